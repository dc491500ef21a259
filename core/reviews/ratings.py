"""Ratings aggregates: per product and per seller, how many published reviews gave each number of stars.

They follow the reviews' events, which may come twice, late, or side by side with others. Each review's
``Contribution`` remembers the last event applied for it (its ``position``: the revision, a removal after
a publication of the same revision), so an event is applied only when it is newer than that one: a
duplicate or an overtaken event changes nothing, and the counts stay exact.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import attrs

from core.reviews.events import RatingUpdated
from core.reviews.model import STARS
from core.shared.events import Aggregate


class RatedSubject(StrEnum):
    PRODUCT = "product"
    SELLER = "seller"


def position(revision: int, removed: bool) -> int:
    """Where an event stands among a review's events: by revision, a removal after a publication."""
    return revision * 2 + (1 if removed else 0)


@attrs.frozen
class Contribution:
    """What one review gives its product's and seller's ratings now: ``stars``, or None when not shown."""

    review_id: str
    product_id: str
    seller_id: str
    position: int
    stars: int | None

    def superseded_by(self, newer_position: int) -> bool:
        return newer_position > self.position


def _no_stars() -> list[int]:
    return [0] * STARS


@attrs.define
class Rating(Aggregate):
    subject_type: RatedSubject
    subject_id: str
    stars: list[int] = attrs.Factory(_no_stars)  # stars[n - 1]: reviews giving n stars
    version: int = 0

    @property
    def count(self) -> int:
        return sum(self.stars)

    @property
    def average(self) -> float:
        """The mean of the stars given, to two decimals; 0.0 without reviews."""
        count = self.count
        if not count:
            return 0.0
        total = sum(n * given for n, given in enumerate(self.stars, start=1))
        return round(total / count, 2)

    def change(self, removed: int | None, added: int | None, now: datetime) -> None:
        """One review stops giving ``removed`` stars and gives ``added`` (either may be None)."""
        if removed == added:
            return
        if removed is not None:
            self.stars[removed - 1] -= 1
        if added is not None:
            self.stars[added - 1] += 1
        self.version += 1
        self.record(
            RatingUpdated(
                occurred_at=now,
                subject_type=self.subject_type.value,
                subject_id=self.subject_id,
                count=self.count,
                average=self.average,
                stars=list(self.stars),
                version=self.version,
            )
        )
