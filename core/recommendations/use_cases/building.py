"""Personal lists: queued when a user's signals change, built by the build worker, rebuilt with backoff
by the recommendation error worker when a build failed, and refreshed in batches when they grow old.

A failed build (an error or a timeout) marks the user's list failed, so readers get the base feed
meanwhile, and keeps the build queued with a backoff; the next successful build clears both.
"""

from __future__ import annotations

import asyncio
import logging

from core.recommendations import commands as c
from core.recommendations.model import Build, PersonalList, Pick, RecommendationPolicy
from core.recommendations.ranking import Sources, blend, seeds, strongest
from ports.catalog import ProductCatalog
from ports.recommendations import Ranked, RecommendationsUnitOfWork, ShopperSignals
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)


class QueueListBuild:
    def __init__(
        self, uow: UnitOfWorkFactory[RecommendationsUnitOfWork], policy: RecommendationPolicy, clock: Clock
    ) -> None:
        self.uow, self.policy, self.clock = uow, policy, clock

    async def __call__(self, command: c.QueueBuild) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            await uow.builds.mark(command.user_id, now + self.policy.debounce, now)
            await uow.commit()


class DropPersonalList:
    """The user's activity was erased: so is what was built from it."""

    def __init__(self, uow: UnitOfWorkFactory[RecommendationsUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: c.DropList) -> None:
        async with self.uow() as uow:
            await uow.lists.drop(command.user_id)
            await uow.builds.forget(command.user_id)
            await uow.commit()


class BuildPersonalList:
    """Rank what the user's signals point at, keep what can be bought now, store it."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[RecommendationsUnitOfWork],
        signals: ShopperSignals,
        catalog: ProductCatalog,
        policy: RecommendationPolicy,
        clock: Clock,
    ) -> None:
        self.uow, self.signals, self.catalog, self.policy, self.clock = uow, signals, catalog, policy, clock

    async def __call__(self, command: c.BuildList) -> PersonalList:
        picks = await self.rank(command.user_id)
        personal = PersonalList.built(command.user_id, tuple(picks), self.clock.now())
        async with self.uow() as uow:
            await uow.lists.put(personal)
            await uow.commit()
        return personal

    async def rank(self, user_id: str) -> list[Pick]:
        now, n = self.clock.now(), self.policy.candidates
        since = (now - self.policy.window).date()
        profile = await self.signals.profile(user_id)
        bought, looked = seeds(profile.interests, now)
        categories: list[tuple[float, list[Ranked]]] = []
        for category_id, share in strongest(profile.categories):
            # What sells there, and what shoppers look at there: views are far denser than sales.
            categories.append((share, await self.signals.best_sellers(since, category_id, None, n)))
            categories.append((share, await self.signals.most_viewed(since, category_id, n)))
        brands = [(share, await self.signals.best_sellers(since, None, b, n)) for b, share in strongest(profile.brands)]
        sources = Sources(
            bought_with=await self.signals.bought_with(bought, n) if bought else [],
            viewed_with=await self.signals.viewed_with(looked or bought, n) if looked or bought else [],
            categories=categories,
            brands=brands,
        )
        owned = {i.product_id for i in profile.interests if i.purchased > 0}
        ranked = blend(sources, owned, 3 * self.policy.list_size)
        offers = await self.catalog.offers([p.product_id for p in ranked])
        buyable = [p for p in ranked if (o := offers.get(p.product_id)) is not None and o.purchasable]
        return buyable[: self.policy.list_size]


class RunBuilds:
    """One pass of the build worker (queued builds) or of the recommendation error worker (failed ones)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[RecommendationsUnitOfWork],
        build: BuildPersonalList,
        policy: RecommendationPolicy,
        clock: Clock,
    ) -> None:
        self.uow, self.build, self.policy, self.clock = uow, build, policy, clock

    async def __call__(self, command: c.RunDueBuilds) -> int:
        now = self.clock.now()
        async with self.uow() as uow:
            due = await uow.builds.take(now, command.failed, now + self.policy.lease, command.limit)
            await uow.commit()
        built = 0
        for build in due:
            built += await self._run(build)
        return built

    async def _run(self, build: Build) -> int:
        try:
            async with asyncio.timeout(self.policy.build_timeout.total_seconds()):
                picks = await self.build.rank(build.user_id)
        except Exception as error:  # any failure of a build is kept and retried, never lost
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            log.warning("personal list of %s not built (attempt %d): %s", build.user_id, build.attempts + 1, reason)
            await self._failed(build, reason)
            return 0
        async with self.uow() as uow:
            if await uow.builds.get(build.user_id) is None:
                return 0  # the user's activity was erased while the list was ranked: nothing to keep
            await uow.lists.put(PersonalList.built(build.user_id, tuple(picks), self.clock.now()))
            await uow.builds.done(build)
            await uow.commit()
        return 1

    async def _failed(self, build: Build, reason: str) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            await uow.builds.failed(build, reason, self.policy.backoff.retry_at(now, build.attempts + 1))
            personal = await uow.lists.get(build.user_id)
            if personal is not None and not personal.failed:
                personal.failed = True
                await uow.lists.put(personal)
            await uow.commit()


class RefreshOldLists:
    """The batch pass: lists built longer ago than the policy's ``max_age`` are queued again (a user
    who did nothing lately still sees what sells now and what went out of stock left)."""

    def __init__(
        self, uow: UnitOfWorkFactory[RecommendationsUnitOfWork], policy: RecommendationPolicy, clock: Clock
    ) -> None:
        self.uow, self.policy, self.clock = uow, policy, clock

    async def __call__(self, limit: int) -> int:
        now = self.clock.now()
        async with self.uow() as uow:
            users = await uow.lists.built_before(now - self.policy.max_age, limit)
            for user_id in users:
                await uow.builds.mark(user_id, now, now)
            await uow.commit()
        return len(users)
