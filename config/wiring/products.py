"""The catalogue (the products context): categories and product cards in the products database, the shop's
card read (``ShopCards``: one query on PostgreSQL), the public card cache in Redis, and the catalogue's
side of ``ports.catalog`` for the other parts.

``StockLevels`` and ``ProductImages`` are registered by the stock and media wiring; they are resolved
when a use case or an offer is, so the order of the wiring modules does not matter.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters.memory.products import CatalogTables, MemoryCatalogUnitOfWork, MemoryProductCache, NoProductCache
from config.runtime import Wiring
from core.products import use_cases as uc
from core.products.media import MediaPolicy
from ports.catalog import ProductCatalog, ProductImages, ProductOwnership, StockLevels
from ports.products import CatalogUnitOfWork, ProductCache, ShopCards
from ports.shared import Clock

DATABASE = "products"
GROUP = "products"


def register(w: Wiring) -> None:
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
    c.register(
        ProductCatalog, factory=lambda: uc.CatalogOffers(catalog, c.resolve(StockLevels), c.resolve(ProductImages))
    )
    w.inbox_in(DATABASE, group=GROUP)
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
