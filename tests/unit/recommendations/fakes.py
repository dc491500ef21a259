"""The recommendations use cases over the in-memory lists, build queue and base feed, wired by hand, with the
ports they read from other contexts set by hand: the shoppers' signals, the catalogue's offers, the
products' shelves and their ratings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta

from adapters.memory.clock import ManualClock
from adapters.memory.recommendations import (
    MemoryBaseFeedStore,
    MemoryPersonalListRepository,
    MemoryRecommendationsUnitOfWork,
    RecommendationsTables,
)
from core.recommendations import commands as c
from core.recommendations import use_cases as uc
from core.recommendations.model import Backoff, Build, FeedKind, FeedList, PersonalList, RecommendationPolicy
from core.shared.errors import Unavailable
from core.shared.money import Money
from ports.catalog import Offer, Shelf
from ports.recommendations import Ranked, RecommendationsUnitOfWork, ShopperProfile
from tests.support.events import RecordingEventBus
from tests.support.fake_ratings import FakeRatings

POLICY = RecommendationPolicy(
    list_size=4,
    candidates=10,
    debounce=timedelta(seconds=2),
    backoff=Backoff(timedelta(seconds=30), timedelta(minutes=5)),
    feed_size=2,
)


def _ranked(scores: dict[str, float], limit: int) -> list[Ranked]:
    return [Ranked(p, s) for p, s in sorted(scores.items(), key=lambda i: (-i[1], i[0]))[:limit]]


def _best_first(product_ids: Sequence[str], limit: int) -> list[Ranked]:
    return [Ranked(p, float(len(product_ids) - n)) for n, p in enumerate(product_ids)][:limit]


class FakeSignals:
    """``ports.recommendations.ShopperSignals`` set by hand. ``failure`` is raised by ``profile`` (the
    first read of a build), after ``delay`` seconds and after ``while_building`` ran, when set."""

    def __init__(self) -> None:
        self.profiles: dict[str, ShopperProfile] = {}
        self.bought: dict[str, dict[str, float]] = {}  # product -> bought with it -> count
        self.viewed: dict[str, dict[str, float]] = {}
        self.sales: dict[tuple[str | None, str | None], list[str]] = {}  # (category, brand) -> best first
        self.views: dict[str | None, list[str]] = {}  # category -> most viewed first
        self.categories: list[str] = []
        self.failure: Exception | None = None
        self.delay = 0.0
        self.while_building: Callable[[], Awaitable[None]] | None = None

    async def profile(self, user_id: str) -> ShopperProfile:
        if self.while_building is not None:
            await self.while_building()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failure is not None:
            raise self.failure
        return self.profiles.get(user_id, ShopperProfile(user_id))

    def _neighbours(self, pairs: dict[str, dict[str, float]], product_ids: Sequence[str], limit: int) -> list[Ranked]:
        sums: dict[str, float] = {}
        for product_id in product_ids:
            for other, count in pairs.get(product_id, {}).items():
                if other not in product_ids:
                    sums[other] = sums.get(other, 0.0) + count
        return _ranked(sums, limit)

    async def bought_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        return self._neighbours(self.bought, product_ids, limit)

    async def viewed_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        return self._neighbours(self.viewed, product_ids, limit)

    async def best_sellers(self, since: date, category_id: str | None, brand: str | None, limit: int) -> list[Ranked]:
        return _best_first(self.sales.get((category_id, brand), []), limit)

    async def most_viewed(self, since: date, category_id: str | None, limit: int) -> list[Ranked]:
        return _best_first(self.views.get(category_id, []), limit)

    async def active_categories(self, since: date, limit: int) -> list[str]:
        return self.categories[:limit]


class FakeCatalog:
    """``ports.catalog.ProductCatalog``: the products offered, set by hand (the others are unpublished)."""

    def __init__(self) -> None:
        self.offered: dict[str, Offer] = {}

    def offer(self, *product_ids: str, purchasable: bool = True) -> None:
        for product_id in product_ids:
            self.offered[product_id] = Offer(
                product_id,
                "seller-1",
                f"Product {product_id}",
                Money(1250, "EUR"),
                5 if purchasable else 0,
                None,
                purchasable,
            )

    async def offers(self, product_ids: Sequence[str]) -> dict[str, Offer]:
        return {p: self.offered[p] for p in product_ids if p in self.offered}


class FakeShelves:
    def __init__(self) -> None:
        self.by_product: dict[str, Shelf] = {}

    async def shelves(self, product_ids: Sequence[str]) -> dict[str, Shelf]:
        return {p: self.by_product[p] for p in product_ids if p in self.by_product}


class ListsDown(MemoryPersonalListRepository):
    async def get(self, user_id: str) -> PersonalList | None:
        raise Unavailable("the recommendations database is down (test)")


class ListsDownUnitOfWork(MemoryRecommendationsUnitOfWork):
    """A unit of work whose personal lists cannot be read."""

    def _open(self) -> None:
        super()._open()
        self.lists = ListsDown(self.tables, self.tx, self.seen)


class FeedDown(MemoryBaseFeedStore):
    async def list(self, kind: FeedKind, category_id: str | None) -> FeedList | None:
        raise Unavailable("redis is down (test)")


class RecommendationsApp:
    def __init__(self, policy: RecommendationPolicy = POLICY) -> None:
        self.clock = ManualClock()
        self.bus = RecordingEventBus()
        self.tables = RecommendationsTables()
        self.store = MemoryBaseFeedStore()
        self.signals = FakeSignals()
        self.catalog = FakeCatalog()
        self.shelves = FakeShelves()
        self.ratings = FakeRatings()
        self.policy = policy
        self.queue = uc.QueueListBuild(self.uow, policy, self.clock)
        self.build = uc.BuildPersonalList(self.uow, self.signals, self.catalog, policy, self.clock)
        self.builds = uc.RunBuilds(self.uow, self.build, policy, self.clock)
        self.refresh = uc.RefreshOldLists(self.uow, policy, self.clock)
        self.drop = uc.DropPersonalList(self.uow)
        self.rebuild_feed = uc.RebuildBaseFeed(self.signals, self.ratings, self.store, policy, self.clock)
        self.feed = uc.ShowBaseFeed(self.store, self.catalog)
        self.recommendations = uc.ShowRecommendations(self.uow, self.feed, self.catalog)
        self.also_bought = uc.ShowAlsoBought(self.signals, self.shelves, self.catalog, policy)
        self.similar = uc.ShowSimilarProducts(self.signals, self.shelves, self.catalog, policy, self.clock)

    def uow(self) -> RecommendationsUnitOfWork:
        return MemoryRecommendationsUnitOfWork(self.tables, self.bus)

    def lists_down(self) -> RecommendationsUnitOfWork:
        return ListsDownUnitOfWork(self.tables, self.bus)

    async def run(self, failed: bool = False) -> int:
        """One pass of the build worker (or of the error worker: ``failed``)."""
        return await self.builds(c.RunDueBuilds(failed=failed, limit=10))

    async def built(self, user_id: str) -> PersonalList:
        """Queue the user's build and run it once the debounce passed."""
        await self.queue(c.QueueBuild(user_id))
        self.clock.advance(self.policy.debounce.total_seconds())
        assert await self.run() == 1
        personal = await self.personal(user_id)
        assert personal is not None
        return personal

    async def personal(self, user_id: str) -> PersonalList | None:
        async with self.uow() as uow:
            return await uow.lists.get(user_id)

    async def queued(self, user_id: str) -> Build | None:
        async with self.uow() as uow:
            return await uow.builds.get(user_id)

    async def shown(self, user_id: str | None, limit: int = 10) -> c.RecommendationsView:
        return await self.recommendations(c.ForShopper(user_id, limit))
