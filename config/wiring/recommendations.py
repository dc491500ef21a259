"""The recommendations context's wiring: personal lists and their builds in the recommendations database,
the base feed in Redis, or all in memory; the signals are read from the activity context
(``ports.recommendations.ShopperSignals``). Three periodic workers: the build worker (queued builds and
the batch refresh of old lists), the recommendation error worker (failed builds, with backoff) and the
base feed's rebuild."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory.recommendations import (
    MemoryBaseFeedStore,
    MemoryRecommendationsUnitOfWork,
    RecommendationsTables,
)
from config.runtime import Wiring
from core.recommendations import use_cases as uc
from core.recommendations.commands import RunDueBuilds
from core.recommendations.model import Backoff, RecommendationPolicy
from entrypoints.workers.periodic import PeriodicWorker
from ports.recommendations import BaseFeedStore, RecommendationsUnitOfWork

DATABASE = "recommendations"
BUILDS = "recommendation-builds"
ERRORS = "recommendation-errors"
BASE_FEED = "base-feed"
BATCH = 50


def policy(w: Wiring) -> RecommendationPolicy:
    s = w.settings
    return RecommendationPolicy(
        window=timedelta(days=s.recommendation_window_days),
        list_size=s.recommendation_list_size,
        debounce=timedelta(seconds=s.recommendation_debounce_seconds),
        build_timeout=timedelta(seconds=s.recommendation_build_timeout_seconds),
        backoff=Backoff(
            timedelta(seconds=s.recommendation_retry_base_seconds),
            timedelta(seconds=s.recommendation_retry_ceiling_seconds),
        ),
        max_age=timedelta(hours=s.recommendation_max_age_hours),
    )


def register(w: Wiring) -> None:
    s = w.settings
    feed: BaseFeedStore
    if w.infra:
        from adapters.postgres.recommendations.repository import PostgresRecommendationsUnitOfWork
        from adapters.redis.base_feed import RedisBaseFeedStore

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(RecommendationsUnitOfWork, lambda: PostgresRecommendationsUnitOfWork(pool, nudge))
        feed = RedisBaseFeedStore(w.redis, prefix=f"{s.search_index_prefix}:base-feed")
    else:
        tables = RecommendationsTables()
        w.units_of_work(RecommendationsUnitOfWork, lambda: MemoryRecommendationsUnitOfWork(tables, w.bus))
        feed = MemoryBaseFeedStore()
    w.container.register(BaseFeedStore, instance=feed)
    w.container.register(RecommendationPolicy, instance=policy(w))
    w.use_cases(
        uc.QueueListBuild,
        uc.DropPersonalList,
        uc.BuildPersonalList,
        uc.RunBuilds,
        uc.RefreshOldLists,
        uc.RebuildBaseFeed,
        uc.ShowBaseFeed,
        uc.ShowRecommendations,
        uc.ShowAlsoBought,
        uc.ShowSimilarProducts,
    )
    runtime = w.runtime

    async def build_pass() -> int:
        refreshed = await runtime.resolve(uc.RefreshOldLists)(BATCH)
        return refreshed + await runtime.resolve(uc.RunBuilds)(RunDueBuilds(failed=False, limit=BATCH))

    async def retry_pass() -> int:
        return await runtime.resolve(uc.RunBuilds)(RunDueBuilds(failed=True, limit=BATCH))

    async def feed_pass() -> int:
        return await runtime.resolve(uc.RebuildBaseFeed)()

    runtime.add_periodic(PeriodicWorker(BUILDS, build_pass, s.recommendation_build_poll_seconds))
    runtime.add_periodic(PeriodicWorker(ERRORS, retry_pass, s.recommendation_retry_poll_seconds))
    runtime.add_periodic(PeriodicWorker(BASE_FEED, feed_pass, s.base_feed_rebuild_seconds))
