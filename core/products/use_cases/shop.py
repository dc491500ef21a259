"""The shop's side of the catalogue: customers browse published cards and read one.

A card is read through the cache first (cache-aside): on a miss it comes from the database and is put in
the cache for the next reader. A cache that fails is skipped, never reported: the shop then reads the
database, slower but whole. A customer never sees a card without a live version, nor one whose seller
is suspended: for them it does not exist (404).
"""

from __future__ import annotations

import logging

from core.products.categories import CategoryTree
from core.products.commands import BrowseProducts, GetProduct, PublicCard
from core.products.use_cases.views import ShopFactsReader, public_card, seller_suspended
from core.shared.errors import NotFound, Unavailable, ValidationFailed
from core.shared.pagination import Page
from ports.catalog import ProductImages, StockLevels
from ports.products import CatalogUnitOfWork, ProductCache

log = logging.getLogger(__name__)


class BrowseShop:
    """Published cards, newest first; a category includes every category under it."""

    def __init__(self, uow: CatalogUnitOfWork, stock: StockLevels, images: ProductImages) -> None:
        self.uow, self.facts = uow, ShopFactsReader(stock, images)

    async def __call__(self, command: BrowseProducts) -> Page[PublicCard]:
        async with self.uow:
            category_ids = None
            if command.category_id is not None:
                category_ids = await self.uow.categories.subtree(command.category_id)
                if not category_ids:
                    raise ValidationFailed.of("category_id", "is not a category")
            page = await self.uow.products.list_shown(category_ids, command.page)
            shown = [p for p in page.items if p.live is not None]
            tree = CategoryTree(
                await self.uow.categories.lineage([p.live.content.category_id for p in shown if p.live is not None])
            )
        available, urls = await self.facts.read([p.id for p in shown])
        cards = [public_card(p, tree, available.get(p.id, 0), list(urls.get(p.id, []))) for p in shown]
        return Page(cards, page.next_cursor)


class ShowPublicCard:
    def __init__(self, uow: CatalogUnitOfWork, stock: StockLevels, images: ProductImages, cache: ProductCache) -> None:
        self.uow, self.facts, self.cache = uow, ShopFactsReader(stock, images), cache

    async def __call__(self, command: GetProduct) -> PublicCard:
        cache_works = True
        try:
            cached = await self.cache.get(command.product_id)
        except Unavailable as error:
            log.warning("product cache unavailable, reading the database: %s", error)
            cached, cache_works = None, False
        if cached is not None:
            return cached
        card = await self._from_database(command.product_id)
        if cache_works:
            try:
                await self.cache.put(card)
            except Unavailable as error:
                log.warning("product cache unavailable, card not cached: %s", error)
        return card

    async def _from_database(self, product_id: str) -> PublicCard:
        async with self.uow:
            product = await self.uow.products.get(product_id)
            if product is None or product.live is None or await seller_suspended(self.uow, product.seller_id):
                raise NotFound("no such product")
            tree = CategoryTree(await self.uow.categories.lineage([product.live.content.category_id]))
        available, urls = await self.facts.read([product.id])
        return public_card(product, tree, available.get(product.id, 0), list(urls.get(product.id, [])))
