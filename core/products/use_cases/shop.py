"""The shop's side of the catalogue: customers browse published cards and read one.

A card is read through the cache first (cache-aside): on a miss it comes from the database and is put in
the cache for the next reader. A cache that fails is skipped, never reported: the shop then reads the
database, slower but whole. A customer never sees a card without a live version, nor one whose seller
is suspended: for them it does not exist (404).

A card shows its rating, which the reviews context keeps (``ports.ratings.Ratings``) and announces
(reviews.RatingUpdated drops the cached card). When the reviews context does not answer, the card is
served without its rating (zeros) rather than not at all, and is not cached: the next reader asks again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.products.categories import CategoryTree
from core.products.commands import BrowseProducts, CardRating, GetProduct, PublicCard
from core.products.model import ShownCard
from core.products.use_cases.views import CardRatings, ShopFactsReader, public_card, seller_suspended
from core.shared.documents import JsonDocument, render
from core.shared.errors import NotFound, Unavailable, ValidationFailed
from core.shared.pagination import Page
from ports.catalog import ProductImages, StockLevels
from ports.products import CatalogUnitOfWork, ProductCache, ShopCards
from ports.ratings import Ratings
from ports.shared import UnitOfWorkFactory

log = logging.getLogger(__name__)
T = TypeVar("T")


class BrowseShop:
    """Published cards, newest first; a category includes every category under it."""

    def __init__(
        self, uow: UnitOfWorkFactory[CatalogUnitOfWork], stock: StockLevels, images: ProductImages, ratings: Ratings
    ) -> None:
        self.uow, self.facts, self.ratings = uow, ShopFactsReader(stock, images), CardRatings(ratings)

    async def __call__(self, command: BrowseProducts) -> Page[PublicCard]:
        async with self.uow() as uow:
            category_ids = None
            if command.category_id is not None:
                category_ids = await uow.categories.subtree(command.category_id)
                if not category_ids:
                    raise ValidationFailed.of("category_id", "is not a category")
            page = await uow.products.list_shown(category_ids, command.page)
            shown = [p for p in page.items if p.live is not None]
            tree = CategoryTree(
                await uow.categories.lineage([p.live.content.category_id for p in shown if p.live is not None])
            )
        ids = [p.id for p in shown]
        available, urls = await self.facts.read(ids)
        rated, _ = await self.ratings.read(ids)
        cards = [
            public_card(p, tree, available.get(p.id, 0), list(urls.get(p.id, [])), rated.get(p.id, CardRating()))
            for p in shown
        ]
        return Page(cards, page.next_cursor)


class ShowPublicCard:
    """A published card, read through the cache. ``document`` is the read the shop's API serves: the card
    as JSON, handed on unread when the cache has it; calling the use case gives the card itself."""

    def __init__(self, cards: ShopCards, cache: ProductCache, ratings: Ratings) -> None:
        self.cards, self.cache, self.ratings = cards, cache, CardRatings(ratings)

    async def __call__(self, command: GetProduct) -> PublicCard:
        cached, cache_works = await self._cached(self.cache.get, command.product_id)
        if cached is not None:
            return cached
        card, whole = await self._from_database(command.product_id)
        return await self._keep(card, cache_works and whole)

    async def document(self, command: GetProduct) -> JsonDocument:
        cached, cache_works = await self._cached(self.cache.get_document, command.product_id)
        if cached is not None:
            return cached
        card, whole = await self._from_database(command.product_id)
        return render(await self._keep(card, cache_works and whole))

    @staticmethod
    async def _cached(read: Callable[[str], Awaitable[T | None]], product_id: str) -> tuple[T | None, bool]:
        """What the cache holds (None on a miss), and whether the cache answered at all."""
        try:
            return await read(product_id), True
        except Unavailable as error:
            log.warning("product cache unavailable, reading the database: %s", error)
            return None, False

    async def _keep(self, card: PublicCard, worth_caching: bool) -> PublicCard:
        if worth_caching:
            try:
                await self.cache.put(card)
            except Unavailable as error:
                log.warning("product cache unavailable, card not cached: %s", error)
        return card

    async def _from_database(self, product_id: str) -> tuple[PublicCard, bool]:
        """The card as the catalogue and the reviews context know it, and whether it is whole (False: its
        rating could not be read, so it shows none)."""
        shown = await self.cards.shown(product_id)
        if shown is None or shown.product.live is None or shown.seller_suspended:
            raise NotFound("no such product")
        rated, whole = await self.ratings.read([product_id])
        rating = rated.get(product_id, CardRating())
        tree = CategoryTree(shown.lineage)
        return public_card(shown.product, tree, shown.available, shown.image_urls, rating), whole


class CatalogShopCards:
    """``ports.products.ShopCards`` from the catalogue's, the stock's and the media's own ports: what the
    memory profile uses; PostgreSQL reads the same in one query (``adapters.postgres.products.shop``)."""

    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], stock: StockLevels, images: ProductImages) -> None:
        self.uow, self.facts = uow, ShopFactsReader(stock, images)

    async def shown(self, product_id: str) -> ShownCard | None:
        async with self.uow() as uow:
            product = await uow.products.get(product_id)
            if product is None:
                return None
            suspended = await seller_suspended(uow, product.seller_id)
            live = product.live
            lineage = [] if live is None else await uow.categories.lineage([live.content.category_id])
        available, urls = await self.facts.read([product.id])
        return ShownCard(product, lineage, suspended, available.get(product.id, 0), list(urls.get(product.id, [])))
