"""Commands and views of the recommendations context."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.recommendations.model import FeedKind, Reason, Source
from core.shared.money import Money


@attrs.frozen
class QueueBuild:
    """The user's signals changed: their list is to be built again."""

    user_id: str


@attrs.frozen
class DropList:
    user_id: str


@attrs.frozen
class BuildList:
    user_id: str


@attrs.frozen
class RunDueBuilds:
    """One pass of a build worker: the queued builds (``failed`` False) or the failed ones, at most ``limit``."""

    failed: bool
    limit: int


@attrs.frozen
class ForShopper:
    user_id: str | None  # None: a guest
    limit: int


@attrs.frozen
class FeedQuery:
    kind: FeedKind
    category_id: str | None
    limit: int


@attrs.frozen
class ForProduct:
    product_id: str
    limit: int


@attrs.frozen
class RecommendedProduct:
    product_id: str
    title: str
    price: Money
    image_url: str | None
    seller_id: str
    reason: Reason


@attrs.frozen
class RecommendationsView:
    """``source`` says which list this is: the user's own, or the base feed (a guest, a new user, or a
    user whose list is being rebuilt after a failure)."""

    source: Source
    items: list[RecommendedProduct]
    built_at: datetime | None


@attrs.frozen
class ProductListView:
    items: list[RecommendedProduct]
