"""What the reviews context needs from the outside world: reviews (with the purchases that verify them,
the helpful votes and the reports) in the reviews database, and the ratings aggregates in their own.

Concurrency of the ratings: ``RatingRepository.lock`` keeps the ratings it returns to this unit of work
until it ends. Every event of one review changes the same product's and seller's ratings, so locking them
first (``lock`` takes them in (subject type, id) order: no two units of work wait for each other in a
circle) also keeps two events of one review from being applied side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.reviews.model import Purchase, Review, ReviewSort
    from core.reviews.ratings import Contribution, RatedSubject, Rating


class ReviewRepository(Protocol):
    async def add(self, review: Review) -> None:
        """Store a new review; raise ``Conflict`` if its author has a review of the product that is not
        deleted (one review per customer and product)."""
        ...

    async def get(self, review_id: str) -> Review | None: ...

    async def of_author_for(self, author_id: str, product_id: str) -> Review | None:
        """The author's review of the product that is not deleted, if any."""
        ...

    async def update(self, review: Review) -> None:
        """Store the change and bump ``review.version``; raise ``Conflict`` (at the latest at commit) when
        another unit of work changed the review since this one read it."""
        ...

    async def shown(
        self, product_id: str, sort: ReviewSort, stars: Sequence[int], with_photos: bool, page: PageRequest
    ) -> Page[Review]:
        """The product's shown reviews (a live revision, not deleted), of the given numbers of stars (all
        when empty), with photos only if asked, in ``sort`` order (ties: newest first, then by id). Stars,
        photos and the rating sort are those of the live revision."""
        ...

    async def of_author(self, author_id: str, page: PageRequest) -> Page[Review]:
        """The author's reviews that are not deleted, last changed first."""
        ...

    async def of_seller(
        self, seller_id: str, product_id: str | None, unanswered: bool, page: PageRequest
    ) -> Page[Review]:
        """Shown reviews of the seller's products (of one product if given; without an answer only if
        ``unanswered``), newest publication first."""
        ...


class PurchaseRepository(Protocol):
    async def record(self, purchases: Sequence[Purchase]) -> None:
        """Remember the lines of an order; a line already recorded is left as it is."""
        ...

    async def mark_received(self, order_id: str, at: datetime) -> None:
        """Every recorded line of the order reached its customer at ``at`` (the first time counts)."""
        ...

    async def received(self, customer_id: str, product_id: str) -> Purchase | None:
        """The customer's earliest received purchase of the product, if any."""
        ...


class VoteRepository(Protocol):
    async def add(self, review_id: str, voter_id: str) -> bool:
        """Count the voter's "helpful" on the review; False if they had voted already."""
        ...

    async def remove(self, review_id: str, voter_id: str) -> bool:
        """Take the voter's vote back; False if there was none."""
        ...


class ReportRepository(Protocol):
    async def add(self, review_id: str, reporter_id: str, reason: str, at: datetime) -> bool:
        """Keep the report; False if the reporter had reported this review already (once per review)."""
        ...


class ReviewsUnitOfWork(UnitOfWork, Protocol):
    reviews: ReviewRepository
    purchases: PurchaseRepository
    votes: VoteRepository
    reports: ReportRepository


class RatingRepository(Protocol):
    async def lock(self, subjects: Sequence[tuple[RatedSubject, str]]) -> list[Rating]:
        """The rating of each subject (a new, empty one when it has none), locked until the unit of work
        ends, in the order given; the locks are taken in (subject type, id) order."""
        ...

    async def save(self, rating: Rating) -> None:
        """Store a rating read through ``lock``."""
        ...

    async def contribution(self, review_id: str) -> Contribution | None:
        """What the review gives its ratings now (read under the ratings' locks)."""
        ...

    async def put_contribution(self, contribution: Contribution) -> None: ...

    async def of(self, subject_type: RatedSubject, subject_ids: Sequence[str]) -> dict[str, Rating]:
        """The ratings of the subjects that have one, without locking."""
        ...


class RatingsUnitOfWork(UnitOfWork, Protocol):
    ratings: RatingRepository
