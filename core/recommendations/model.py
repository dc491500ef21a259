"""Personal lists, the base feed and the builds that keep personal lists current.

A personal list is built from a user's signals (``ranking``) and stored whole; readers filter it by what
can be bought now. A build that fails is retried with an exponential backoff (``Build.retry_at``); the
list is marked failed meanwhile, and readers get the base feed, told by ``source``.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

from core.recommendations.events import RecommendationsRefreshed
from core.shared.events import Aggregate


class Source(enum.StrEnum):
    PERSONAL = "personal"
    BASE = "base"


class FeedKind(enum.StrEnum):
    BEST_SELLERS = "best_sellers"
    TOP_RATED = "top_rated"


class Reason(enum.StrEnum):
    """Why a product is on a list (the strongest of its reasons)."""

    BOUGHT_WITH = "bought_with"  # customers who bought what you bought bought it
    VIEWED_WITH = "viewed_with"  # viewed together with what you viewed
    CATEGORY = "category"  # a best seller in a category you like
    BRAND = "brand"  # a best seller of a brand you like
    POPULAR = "popular"  # the base feed


@attrs.frozen
class Pick:
    product_id: str
    score: float
    reason: Reason
    because_of: str | None = None  # the product that brought it (bought_with, viewed_with)


@attrs.define
class PersonalList(Aggregate):
    user_id: str
    picks: tuple[Pick, ...]
    built_at: datetime
    failed: bool = False  # its last build failed: readers get the base feed until a build succeeds

    @classmethod
    def built(cls, user_id: str, picks: tuple[Pick, ...], at: datetime) -> PersonalList:
        personal = cls(user_id, picks, at)
        personal.record(RecommendationsRefreshed(user_id=user_id, size=len(picks), occurred_at=at))
        return personal


@attrs.frozen
class FeedList:
    kind: FeedKind
    category_id: str | None  # None: the whole shop
    product_ids: tuple[str, ...]


@attrs.frozen
class BaseFeed:
    built_at: datetime
    lists: tuple[FeedList, ...]


@attrs.frozen
class Build:
    """A user's list to build: queued at ``due_at``; ``attempts`` builds of it failed so far."""

    user_id: str
    due_at: datetime
    marked_at: datetime  # when the latest change asked for it
    attempts: int = 0
    last_error: str = ""


@attrs.frozen
class Backoff:
    base: timedelta
    ceiling: timedelta

    def retry_at(self, now: datetime, attempts: int) -> datetime:
        """When to build again after ``attempts`` failures (1, 2, 4... times the base, up to the ceiling)."""
        doublings = min(max(attempts - 1, 0), 40)  # past the ceiling long before: no overflow after days
        delay: timedelta = min(self.base * 2**doublings, self.ceiling)
        return now + delay


@attrs.frozen
class RecommendationPolicy:
    """How lists and the feed are made (from settings)."""

    window: timedelta = timedelta(days=30)  # the base feed's and the tastes' best sellers' sliding window
    list_size: int = 20
    candidates: int = 60  # products each source offers the blend
    debounce: timedelta = timedelta(seconds=2)  # a change waits this long for the ones right after it
    lease: timedelta = timedelta(seconds=60)
    build_timeout: timedelta = timedelta(seconds=10)
    backoff: Backoff = Backoff(timedelta(seconds=30), timedelta(hours=1))
    max_age: timedelta = timedelta(hours=24)  # a list older than this is rebuilt by the batch pass
    feed_size: int = 20
    feed_categories: int = 200
    rating_prior: int = 5  # reviews worth of the shop's mean a product's average starts from (top rated)
