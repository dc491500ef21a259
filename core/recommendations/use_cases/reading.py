"""What shoppers read: their recommendations (their own list, or the base feed), the base feed's lists,
"customers also bought" and "similar products". Every list is filtered by what can be bought now.

A reader never sees an error of the recommendations: a list that cannot be read (its database down) is
replaced by the base feed, and a base feed that cannot be read by an empty list, each logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.recommendations import commands as c
from core.recommendations.model import FeedKind, PersonalList, Pick, Reason, RecommendationPolicy, Source
from core.recommendations.ranking import Sources, blend
from core.shared.errors import NotFound, Unavailable
from ports.catalog import ProductCatalog, ProductShelves, Shelf
from ports.recommendations import BaseFeedStore, RecommendationsUnitOfWork, ShopperSignals
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)


async def shown(catalog: ProductCatalog, picks: Sequence[Pick], limit: int) -> list[c.RecommendedProduct]:
    """The picks that can be bought now, in their order, with what the shop shows of them."""
    offers = await catalog.offers([p.product_id for p in picks])
    found = []
    for pick in picks:
        offer = offers.get(pick.product_id)
        if offer is not None and offer.purchasable:
            found.append(
                c.RecommendedProduct(
                    offer.product_id, offer.title, offer.price, offer.image_url, offer.seller_id, pick.reason
                )
            )
            if len(found) == limit:
                break
    return found


class ShowBaseFeed:
    def __init__(self, store: BaseFeedStore, catalog: ProductCatalog) -> None:
        self.store, self.catalog = store, catalog

    async def __call__(self, command: c.FeedQuery) -> c.ProductListView:
        return c.ProductListView(await self.items(command.kind, command.category_id, command.limit))

    async def items(self, kind: FeedKind, category_id: str | None, limit: int) -> list[c.RecommendedProduct]:
        try:
            feed = await self.store.list(kind, category_id)
        except Unavailable as error:
            log.warning("base feed unavailable, showing nothing: %s", error)
            return []
        if feed is None:
            return []
        return await shown(self.catalog, [Pick(p, 0.0, Reason.POPULAR) for p in feed.product_ids], limit)


class ShowRecommendations:
    """ "Recommended for you": the user's list when it is built and its last build did not fail, the base
    feed's best sellers (top rated in a shop that has sold nothing yet) otherwise."""

    def __init__(
        self, uow: UnitOfWorkFactory[RecommendationsUnitOfWork], feed: ShowBaseFeed, catalog: ProductCatalog
    ) -> None:
        self.uow, self.feed, self.catalog = uow, feed, catalog

    async def __call__(self, command: c.ForShopper) -> c.RecommendationsView:
        if command.user_id is not None:
            personal = await self._personal(command.user_id)
            if personal is not None and not personal.failed:
                items = await shown(self.catalog, personal.picks, command.limit)
                if items:
                    return c.RecommendationsView(Source.PERSONAL, items, personal.built_at)
        items = await self.feed.items(FeedKind.BEST_SELLERS, None, command.limit)
        if not items:
            items = await self.feed.items(FeedKind.TOP_RATED, None, command.limit)
        return c.RecommendationsView(Source.BASE, items, None)

    async def _personal(self, user_id: str) -> PersonalList | None:
        try:
            async with self.uow() as uow:
                return await uow.lists.get(user_id)
        except Unavailable as error:
            log.warning("personal lists unavailable, showing the base feed: %s", error)
            return None


async def shelf_of(shelves: ProductShelves, product_id: str) -> Shelf:
    """The product's shelf; ``NotFound`` for a product the shop never showed."""
    shelf = (await shelves.shelves([product_id])).get(product_id)
    if shelf is None:
        raise NotFound("no such product")
    return shelf


class ShowAlsoBought:
    """ "Customers who bought this also bought": the products most often bought by the same customers."""

    def __init__(
        self, signals: ShopperSignals, shelves: ProductShelves, catalog: ProductCatalog, policy: RecommendationPolicy
    ) -> None:
        self.signals, self.shelves, self.catalog, self.policy = signals, shelves, catalog, policy

    async def __call__(self, command: c.ForProduct) -> c.ProductListView:
        await shelf_of(self.shelves, command.product_id)
        ranked = await self.signals.bought_with([command.product_id], self.policy.candidates)
        picks = [Pick(r.product_id, r.score, Reason.BOUGHT_WITH, command.product_id) for r in ranked]
        return c.ProductListView(await shown(self.catalog, picks, command.limit))


class ShowSimilarProducts:
    """ "Similar products": viewed together with this one in its own department (a shopper who looks at an
    espresso maker and then a laptop makes the laptop no espresso maker's like), and the best sellers of
    its category and brand."""

    def __init__(
        self,
        signals: ShopperSignals,
        shelves: ProductShelves,
        catalog: ProductCatalog,
        policy: RecommendationPolicy,
        clock: Clock,
    ) -> None:
        self.signals, self.shelves, self.catalog, self.policy, self.clock = signals, shelves, catalog, policy, clock

    async def __call__(self, command: c.ForProduct) -> c.ProductListView:
        n = self.policy.candidates
        since = (self.clock.now() - self.policy.window).date()
        shelf = await shelf_of(self.shelves, command.product_id)
        categories, brands = [], []
        if shelf.category_path:
            leaf = shelf.category_path[-1]
            best = await self.signals.best_sellers(since, leaf, None, n) or await self.signals.most_viewed(
                since, leaf, n
            )
            categories.append((1.0, best))
            if shelf.brand:
                brands.append((1.0, await self.signals.best_sellers(since, leaf, shelf.brand, n)))
        viewed = await self.signals.viewed_with([command.product_id], n)
        if shelf.category_path:
            department = shelf.category_path[:1]
            theirs = await self.shelves.shelves([r.product_id for r in viewed])
            viewed = [r for r in viewed if (it := theirs.get(r.product_id)) and it.category_path[:1] == department]
        sources = Sources(viewed_with=viewed, categories=categories, brands=brands)
        picks = blend(sources, {command.product_id}, 3 * command.limit)
        return c.ProductListView(await shown(self.catalog, picks, command.limit))
