"""The catalogue as other parts see it: who owns a card (stock, media) and what a buyer is offered (cart).

These implement ``ports.catalog`` over the catalogue's own unit of work. Each call opens a unit of work
of its own (from ``catalog``, a factory), so one instance serves any number of concurrent callers.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.products.categories import CategoryTree
from core.shared.pagination import Page, PageRequest
from ports.catalog import Offer, ProductImages, PublishedCard, Shelf, StockLevels
from ports.products import CatalogUnitOfWork
from ports.shared import UnitOfWorkFactory


class CatalogOwnership:
    """``ports.catalog.ProductOwnership``."""

    def __init__(self, catalog: UnitOfWorkFactory[CatalogUnitOfWork]) -> None:
        self.catalog = catalog

    async def owner_of(self, product_id: str) -> str | None:
        async with self.catalog() as uow:
            product = await uow.products.get(product_id)
        return product.seller_id if product is not None else None


class CatalogOffers:
    """``ports.catalog.ProductCatalog``: published cards only, with what stock and media say of them now."""

    def __init__(
        self, catalog: UnitOfWorkFactory[CatalogUnitOfWork], stock: StockLevels, images: ProductImages
    ) -> None:
        self.catalog, self.stock, self.images = catalog, stock, images

    async def offers(self, product_ids: Sequence[str]) -> dict[str, Offer]:
        if not product_ids:
            return {}
        async with self.catalog() as uow:
            live = [p for p in await uow.products.get_many(list(dict.fromkeys(product_ids))) if p.live is not None]
            suspended = await uow.suspended_sellers.among(sorted({p.seller_id for p in live}))
        if not live:
            return {}
        ids = [p.id for p in live]
        available = await self.stock.available(ids)
        urls = await self.images.urls(ids)
        offers = {}
        for product in live:
            assert product.live is not None
            content = product.live.content
            units = available.get(product.id, 0)
            images = urls.get(product.id, [])
            offers[product.id] = Offer(
                product_id=product.id,
                seller_id=product.seller_id,
                title=content.title,
                price=content.price,
                available=units,
                image_url=images[0] if images else None,
                purchasable=product.seller_id not in suspended and units > 0,
            )
        return offers


class CatalogShelves:
    """``ports.catalog.ProductShelves``: where each card's latest publication placed it."""

    def __init__(self, catalog: UnitOfWorkFactory[CatalogUnitOfWork]) -> None:
        self.catalog = catalog

    async def shelves(self, product_ids: Sequence[str]) -> dict[str, Shelf]:
        if not product_ids:
            return {}
        async with self.catalog() as uow:
            found = await uow.products.get_many(list(dict.fromkeys(product_ids)))
            live = [(p.id, p.live.content) for p in found if p.live is not None]
            tree = CategoryTree(await uow.categories.lineage(sorted({content.category_id for _, content in live})))
        return {
            product_id: Shelf(tuple(c.id for c in tree.path(content.category_id)), content.brand)
            for product_id, content in live
        }


class CatalogPublishedCards:
    """``ports.catalog.PublishedCards``: the shown cards a page at a time, as their publication told them,
    with the stock and images of now (what ``marketplace reindex`` fills a new search index with)."""

    def __init__(
        self, catalog: UnitOfWorkFactory[CatalogUnitOfWork], stock: StockLevels, images: ProductImages
    ) -> None:
        self.catalog, self.stock, self.images = catalog, stock, images

    async def published(self, page: PageRequest) -> Page[PublishedCard]:
        async with self.catalog() as uow:
            shown = await uow.products.list_shown(None, page)
            live = [(p, p.live) for p in shown.items if p.live is not None]
            tree = CategoryTree(await uow.categories.lineage(sorted({v.content.category_id for _, v in live})))
        ids = [p.id for p, _ in live]
        available = await self.stock.available(ids) if ids else {}
        urls = await self.images.urls(ids) if ids else {}
        cards = [
            PublishedCard(
                product_id=product.id,
                seller_id=product.seller_id,
                revision=version.revision,
                title=version.content.title,
                description=version.content.description,
                brand=version.content.brand,
                category_id=version.content.category_id,
                category_path=tuple(c.id for c in tree.path(version.content.category_id)),
                attributes=tuple((a.name, a.kind, a.value) for a in version.content.attributes),
                price=version.content.price,
                available=available.get(product.id, 0),
                image_urls=tuple(urls.get(product.id, [])),
                published_at=version.published_at,
            )
            for product, version in live
        ]
        return Page(cards, shown.next_cursor)
