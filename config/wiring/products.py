"""The catalogue (the products context): categories and product cards in the products database, the
public card cache in Redis, and the catalogue's side of ``ports.catalog`` for the other parts.

``StockLevels`` and ``ProductImages`` are registered by the stock and media wiring; they are resolved
when a use case or an offer is, so the order of the wiring modules does not matter.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters.memory.products import CatalogTables, MemoryCatalogUnitOfWork, MemoryProductCache, NoProductCache
from config.runtime import Wiring
from core.products import use_cases as uc
from ports.catalog import ProductCatalog, ProductImages, ProductOwnership, StockLevels
from ports.products import CatalogUnitOfWork, ProductCache
from ports.shared import Clock

DATABASE = "products"
GROUP = "products"


def register(w: Wiring) -> None:
    c = w.container
    ttl = w.settings.product_cache_ttl_seconds
    catalog: Callable[[], CatalogUnitOfWork]
    if w.infra:
        from adapters.postgres.products.repository import PostgresCatalogUnitOfWork
        from adapters.redis.product_cache import RedisProductCache

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)

        def catalog() -> CatalogUnitOfWork:
            return PostgresCatalogUnitOfWork(pool, nudge)

        c.register(ProductCache, instance=RedisProductCache(w.redis, ttl))
    else:
        tables = CatalogTables()

        def catalog() -> CatalogUnitOfWork:
            return MemoryCatalogUnitOfWork(tables, w.bus)

        c.register(ProductCache, instance=MemoryProductCache(c.resolve(Clock), ttl))
    if ttl == 0:
        c.register(ProductCache, instance=NoProductCache())
    c.register(CatalogUnitOfWork, factory=catalog)
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
