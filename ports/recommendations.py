"""What the recommendations context needs: the shoppers' signals (kept by the activity context, read
through ``ShopperSignals``), its personal lists and their build queue in the recommendations database,
and the base feed in Redis.

Builds: a user whose signals changed is queued (``BuildQueue.mark``); the build worker takes the due
users, the recommendation error worker those whose last build failed (``attempts`` > 0, due after a
backoff). ``take`` leases a user to one builder; ``done`` forgets the user unless they were marked again
while the list was being built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.recommendations.model import BaseFeed, Build, FeedKind, FeedList, PersonalList


@dataclass(frozen=True)
class Ranked:
    product_id: str
    score: float


@dataclass(frozen=True)
class Interest:
    """What a shopper did with one product: how often of each kind, and when last."""

    product_id: str
    viewed: int
    carted: int
    purchased: int
    last_at: datetime


@dataclass(frozen=True)
class ShopperProfile:
    user_id: str
    interests: tuple[Interest, ...] = ()
    categories: Mapping[str, float] = field(default_factory=dict)  # category id -> affinity
    brands: Mapping[str, float] = field(default_factory=dict)  # brand -> affinity


class ShopperSignals(Protocol):
    """Read from the activity context: a shopper's interests and tastes, products bought or viewed
    together, and the products people buy and look at."""

    async def profile(self, user_id: str) -> ShopperProfile: ...

    async def bought_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        """Products customers who bought any of ``product_ids`` bought too (not those), most first."""
        ...

    async def viewed_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        """Products viewed in a row with any of ``product_ids`` (not those), most first."""
        ...

    async def best_sellers(self, since: date, category_id: str | None, brand: str | None, limit: int) -> list[Ranked]:
        """Units sold since ``since``, in the category (or under it) and of the brand when given."""
        ...

    async def most_viewed(self, since: date, category_id: str | None, limit: int) -> list[Ranked]: ...

    async def active_categories(self, since: date, limit: int) -> list[str]:
        """Categories with views or sales since ``since``, busiest first."""
        ...


class PersonalListRepository(Protocol):
    async def get(self, user_id: str) -> PersonalList | None: ...

    async def put(self, personal: PersonalList) -> None:
        """Store the user's list, replacing the one they had."""
        ...

    async def drop(self, user_id: str) -> None: ...

    async def built_before(self, moment: datetime, limit: int) -> list[str]:
        """Users whose list was built before ``moment``, oldest first (the batch refresh)."""
        ...


class BuildQueue(Protocol):
    async def mark(self, user_id: str, due_at: datetime, now: datetime) -> None:
        """Queue the user's build for ``due_at``; a build already queued keeps its earlier due time (a
        shopper browsing on never postpones it) and a failed one its backoff."""
        ...

    async def take(self, now: datetime, failed: bool, lease_until: datetime, limit: int) -> list[Build]:
        """Up to ``limit`` builds due at ``now`` (only failed ones, or only the others), earliest due
        first, each leased to the caller until ``lease_until`` (no other ``take`` returns it before)."""
        ...

    async def done(self, build: Build) -> bool:
        """Forget the build unless the user was marked again after it was taken; whether it was."""
        ...

    async def failed(self, build: Build, error: str, retry_at: datetime) -> None:
        """Keep the build, failed once more, due again at ``retry_at``."""
        ...

    async def get(self, user_id: str) -> Build | None: ...

    async def forget(self, user_id: str) -> None: ...


class RecommendationsUnitOfWork(UnitOfWork, Protocol):
    lists: PersonalListRepository
    builds: BuildQueue


class BaseFeedStore(Protocol):
    async def replace(self, feed: BaseFeed) -> None:
        """Put the whole feed in place of the previous one: a reader sees one or the other, never a mix."""
        ...

    async def list(self, kind: FeedKind, category_id: str | None) -> FeedList | None:
        """One list of the current feed (of the whole shop when ``category_id`` is None), or None."""
        ...
