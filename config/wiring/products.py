"""The products context: its catalogue (categories and product cards), its stock and its images.

- Catalogue: the products database (or memory), the shop's card read (``ShopCards``: one query on
  PostgreSQL), the public card cache (Redis on infra, with a near cache in each process), and the
  catalogue's side of ``ports.catalog`` for the other contexts. The shop's cards show their ratings,
  read through ``ports.ratings.Ratings``, which the reviews context's wiring registers (after this one:
  the container hands it to ``BrowseShop`` and ``ShowPublicCard`` when they are first resolved).
- Stock: on-hand units and orders' reservations, and the desk the orchestrator's sagas use.
- Images: their rows in the products database (or memory), their bytes in object storage: an S3 bucket on
  infra (clients upload to presigned URLs), the process on memory (``MemoryObjectStorage``, which is also
  the ``UploadRoute`` behind PUT /uploads; infra wires none, so that route is not served there). GET
  /media serves either store's objects, the origin the default CDN base URL points at.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters.memory.product_media import MediaTables, MemoryMediaUnitOfWork, MemoryProductImages
from adapters.memory.products import CatalogTables, MemoryCatalogUnitOfWork, MemoryProductCache, NoProductCache
from adapters.memory.stock import MemoryStockLevels, MemoryStockUnitOfWork, StockTables
from adapters.memory.storage import MemoryObjectStorage, UploadSigner
from config.runtime import Wiring
from core.products import use_cases as uc
from core.products.desk import StockForSagas
from core.products.media import MediaPolicy
from ports.catalog import (
    ProductCatalog,
    ProductImages,
    ProductOwnership,
    ProductShelves,
    PublishedCards,
    StockLevels,
)
from ports.checkout import StockDesk
from ports.product_media import MediaUnitOfWork
from ports.products import CatalogUnitOfWork, ProductCache, ShopCards
from ports.shared import Clock
from ports.stock import StockUnitOfWork
from ports.storage import ObjectStorage, UploadRoute

DATABASE = "products"


def register(w: Wiring) -> None:
    _catalogue(w)
    _stock(w)
    _images(w)


def _catalogue(w: Wiring) -> None:
    c = w.container
    ttl = w.settings.product_cache_ttl_seconds
    catalog: Callable[[], CatalogUnitOfWork]
    cards: Callable[[], ShopCards]
    cache: ProductCache
    if w.infra:
        from adapters.postgres.products.repository import PostgresCatalogUnitOfWork
        from adapters.postgres.products.shop import PostgresShopCards
        from adapters.redis.near_cache import NearCache
        from adapters.redis.product_cache import PREFIX as CARD_PREFIX
        from adapters.redis.product_cache import RedisProductCache

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)

        def catalog() -> CatalogUnitOfWork:
            return PostgresCatalogUnitOfWork(pool, nudge)

        def cards() -> ShopCards:
            return PostgresShopCards(pool, c.resolve(MediaPolicy))

        near = None
        if w.settings.product_near_cache_entries and ttl:
            near = NearCache(w.settings.redis_url, CARD_PREFIX, w.settings.product_near_cache_entries, ttl)
            w.runtime.on_close(near.close)
        cache = RedisProductCache(w.redis, ttl, near)
    else:
        tables = CatalogTables()

        def catalog() -> CatalogUnitOfWork:
            return MemoryCatalogUnitOfWork(tables, w.bus)

        def cards() -> ShopCards:
            return uc.CatalogShopCards(catalog, c.resolve(StockLevels), c.resolve(ProductImages))

        cache = MemoryProductCache(c.resolve(Clock), ttl)
    w.units_of_work(CatalogUnitOfWork, catalog)
    c.register(ShopCards, factory=cards)
    c.register(ProductCache, instance=cache if ttl else NoProductCache())
    c.register(ProductOwnership, factory=lambda: uc.CatalogOwnership(catalog))
    c.register(ProductShelves, factory=lambda: uc.CatalogShelves(catalog))
    c.register(
        ProductCatalog, factory=lambda: uc.CatalogOffers(catalog, c.resolve(StockLevels), c.resolve(ProductImages))
    )
    c.register(
        PublishedCards,
        factory=lambda: uc.CatalogPublishedCards(catalog, c.resolve(StockLevels), c.resolve(ProductImages)),
    )
    w.use_cases(
        uc.AddCategory,
        uc.ChangeCategoryName,
        uc.ShowCategoryTree,
        uc.CreateProductCard,
        uc.EditProductCard,
        uc.SubmitProductCard,
        uc.ArchiveProductCard,
        uc.ShowMyProductCard,
        uc.ListMyProductCards,
        uc.ApplyProductDecision,
        uc.HideSellerProducts,
        uc.RestoreSellerProducts,
        uc.ForgetPublicCards,
        uc.BrowseShop,
        uc.ShowPublicCard,
    )


def _stock(w: Wiring) -> None:
    if w.infra:
        from adapters.postgres.products.stock import PostgresStockLevels, PostgresStockUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(StockUnitOfWork, lambda: PostgresStockUnitOfWork(pool, nudge))
        w.container.register(StockLevels, instance=PostgresStockLevels(pool))
    else:
        tables = StockTables()
        w.units_of_work(StockUnitOfWork, lambda: MemoryStockUnitOfWork(tables, w.bus))
        w.container.register(StockLevels, instance=MemoryStockLevels(tables))
    w.use_cases(uc.ShowStock, uc.SetStock, uc.ReserveStock, uc.ReleaseStock, uc.CommitStock)
    # The orchestrator's sagas reserve, release and commit an order's stock through this desk.
    w.container.register(StockDesk, StockForSagas)


def _images(w: Wiring) -> None:
    s, c = w.settings, w.container
    policy = MediaPolicy(
        cdn_base_url=s.cdn_base_url,
        max_image_bytes=s.max_image_bytes,
        max_images_per_product=s.max_images_per_product,
    )
    c.register(MediaPolicy, instance=policy)
    if w.infra:
        from adapters.postgres.products.media import PostgresMediaUnitOfWork, PostgresProductImages
        from adapters.s3.storage import S3ObjectStorage

        c.register(ObjectStorage, instance=S3ObjectStorage(w.s3, c.resolve(Clock)))
        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(MediaUnitOfWork, lambda: PostgresMediaUnitOfWork(pool, nudge))
        c.register(ProductImages, instance=PostgresProductImages(pool, policy))
    else:
        storage = MemoryObjectStorage(s.public_base_url, UploadSigner(s.upload_signing_key), c.resolve(Clock))
        c.register(ObjectStorage, instance=storage)
        c.register(UploadRoute, instance=storage)
        tables = MediaTables()
        w.units_of_work(MediaUnitOfWork, lambda: MemoryMediaUnitOfWork(tables, w.bus))
        c.register(ProductImages, instance=MemoryProductImages(tables, policy))
    w.use_cases(uc.RequestImageUpload, uc.ConfirmImageUpload, uc.ListProductImages, uc.RemoveProductImage)
