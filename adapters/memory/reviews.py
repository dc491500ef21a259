"""In-memory adapters of the reviews ports: reviews (with purchases, helpful votes and reports) and the
ratings aggregates; they behave as ``adapters.postgres.reviews`` and ``adapters.postgres.ratings``.

Where PostgreSQL makes a second writer wait (a unique index, ``INSERT ... ON CONFLICT DO NOTHING``), the
memory store cannot wait: a write checks again at commit that nobody committed the same row meanwhile, and
refuses (``Conflict``) rather than overwrite. ``ratings.lock`` holds the ratings' lock until the unit of
work ends, standing in for ``SELECT ... FOR UPDATE`` (one lock for every rating: coarser, but in one
process it only ever waits for a unit of work that is running anyway).

Listing orders, as in PostgreSQL: every order of a product's shown reviews, and a seller's, breaks ties by
the newest publication of the live revision, then the greatest id; an author's reviews come last changed
first, then by the greatest id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import attrs

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import LockingMemoryUnitOfWork, MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.reviews.model import Purchase, Review, ReviewSort, ReviewStatus
from core.reviews.ratings import Contribution, RatedSubject, Rating
from core.shared.errors import ChangedMeanwhile, Conflict
from core.shared.pagination import Page, PageRequest, moment_after, moment_key, page_of, ranked_moment_after
from ports.reviews import (
    PurchaseRepository,
    RatingRepository,
    ReportRepository,
    ReviewRepository,
    VoteRepository,
)
from ports.shared import EventPublisher

REVIEWED_ALREADY = "this customer has a review of this product already"

Lock = Callable[[], Awaitable[None]]


class ReviewsTables:
    def __init__(self) -> None:
        self.reviews = MemoryTable("reviews")
        self.purchases = MemoryTable("review_purchases")
        self.votes = MemoryTable("review_votes")
        self.reports = MemoryTable("review_reports")


def _unchanged_at_commit(tx: MemoryTransaction, table: MemoryTable, key: str, what: str) -> None:
    """Refuse the commit if someone committed a change of the row ``key`` after this transaction read it
    (PostgreSQL would have made this writer wait, then found the other's row)."""
    read = table.rows.get(key)

    def unchanged() -> None:
        if table.rows.get(key) != read:
            raise ChangedMeanwhile(what)

    tx.check_at_commit(unchanged)


def _published_at(review: Review) -> datetime:
    assert review.live is not None  # only shown reviews are listed by publication
    return review.live.published_at


def _rank(review: Review, sort: ReviewSort) -> int:
    assert review.live is not None
    return review.helpful if sort is ReviewSort.HELPFUL else review.live.content.rating


def _in_order(reviews: list[Review], sort: ReviewSort, page: PageRequest) -> Page[Review]:
    """Shown reviews in ``sort`` order, from after the page's cursor: one page of them."""
    reviews.sort(key=lambda r: (_published_at(r), r.id), reverse=True)  # the tie-break, newest first
    if sort is ReviewSort.NEWEST:
        moment = moment_after(page)
        kept = [r for r in reviews if moment is None or (_published_at(r), r.id) < moment]
        return page_of(kept[: page.limit + 1], page, lambda r: moment_key(_published_at(r), r.id))
    ascending = sort is ReviewSort.RATING_ASC
    reviews.sort(key=lambda r: _rank(r, sort), reverse=not ascending)  # stable: ties keep the tie-break
    after = ranked_moment_after(page)

    def beyond(review: Review) -> bool:
        if after is None:
            return True
        rank, rest = _rank(review, sort), (_published_at(review), review.id)
        if rank != after[0]:
            return rank > after[0] if ascending else rank < after[0]
        return rest < after[1:]

    kept = [r for r in reviews if beyond(r)]
    return page_of(kept[: page.limit + 1], page, lambda r: [_rank(r, sort), _published_at(r).isoformat(), r.id])


class MemoryReviewRepository:
    def __init__(self, tables: ReviewsTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.reviews, tx, seen

    def _track(self, review: Review | None) -> Review | None:
        if review is not None:
            self.seen.add(review)
        return review

    def _tracked(self, reviews: list[Review]) -> list[Review]:
        for review in reviews:
            self.seen.add(review)
        return reviews

    async def add(self, review: Review) -> None:
        def clash() -> bool:
            # As this transaction sees them: a review it deletes before adding this one frees the slot.
            return any(
                other.id != review.id
                and (other.author_id, other.product_id) == (review.author_id, review.product_id)
                and other.status is not ReviewStatus.DELETED
                for other in self.tx.scan(self.table)
            )

        def unique() -> None:
            if review.id in self.table.rows or clash():
                raise Conflict(REVIEWED_ALREADY)

        if self.tx.get(self.table, review.id) is not None or clash():
            raise Conflict(REVIEWED_ALREADY)
        self.tx.check_at_commit(unique)
        self.tx.put(self.table, review.id, review)
        self.seen.add(review)

    async def get(self, review_id: str) -> Review | None:
        return self._track(self.tx.get(self.table, review_id))

    async def of_author_for(self, author_id: str, product_id: str) -> Review | None:
        def theirs(r: Review) -> bool:
            return (r.author_id, r.product_id) == (author_id, product_id) and r.status is not ReviewStatus.DELETED

        return self._track(next(self.tx.scan(self.table, where=theirs), None))

    async def update(self, review: Review) -> None:
        self.tx.put_versioned(self.table, review.id, review, "review")
        self.seen.add(review)

    async def shown(
        self, product_id: str, sort: ReviewSort, stars: Sequence[int], with_photos: bool, page: PageRequest
    ) -> Page[Review]:
        wanted = set(stars)

        def listed(r: Review) -> bool:
            if r.product_id != product_id or not r.shown or r.live is None:
                return False
            content = r.live.content
            return (not wanted or content.rating in wanted) and (not with_photos or bool(content.photos))

        found = _in_order(list(self.tx.scan(self.table, where=listed)), sort, page)
        return Page(self._tracked(list(found.items)), found.next_cursor)

    async def of_author(self, author_id: str, page: PageRequest) -> Page[Review]:
        after = moment_after(page)

        def theirs(r: Review) -> bool:
            return r.author_id == author_id and r.status is not ReviewStatus.DELETED

        rows = [r for r in self.tx.scan(self.table, where=theirs) if after is None or (r.updated_at, r.id) < after]
        rows.sort(key=lambda r: (r.updated_at, r.id), reverse=True)
        found = page_of(rows[: page.limit + 1], page, lambda r: moment_key(r.updated_at, r.id))
        return Page(self._tracked(list(found.items)), found.next_cursor)

    async def of_seller(
        self, seller_id: str, product_id: str | None, unanswered: bool, page: PageRequest
    ) -> Page[Review]:
        def listed(r: Review) -> bool:
            return (
                r.seller_id == seller_id
                and r.shown
                and (product_id is None or r.product_id == product_id)
                and (not unanswered or r.answer is None)
            )

        found = _in_order(list(self.tx.scan(self.table, where=listed)), ReviewSort.NEWEST, page)
        return Page(self._tracked(list(found.items)), found.next_cursor)


def _line(order_id: str, product_id: str) -> str:
    return f"{order_id}:{product_id}"


class MemoryPurchaseRepository:
    def __init__(self, tables: ReviewsTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.purchases, tx

    async def record(self, purchases: Sequence[Purchase]) -> None:
        for purchase in purchases:
            key = _line(purchase.order_id, purchase.product_id)
            if self.tx.get(self.table, key) is None:
                _unchanged_at_commit(self.tx, self.table, key, "purchase")
                self.tx.put(self.table, key, purchase)

    async def mark_received(self, order_id: str, at: datetime) -> None:
        def waiting(p: Purchase) -> bool:
            return p.order_id == order_id and p.received_at is None

        for purchase in self.tx.scan(self.table, where=waiting):
            key = _line(purchase.order_id, purchase.product_id)
            _unchanged_at_commit(self.tx, self.table, key, "purchase")
            self.tx.put(self.table, key, attrs.evolve(purchase, received_at=at))

    async def received(self, customer_id: str, product_id: str) -> Purchase | None:
        def theirs(p: Purchase) -> bool:
            return (p.customer_id, p.product_id) == (customer_id, product_id) and p.received_at is not None

        found: list[Purchase] = list(self.tx.scan(self.table, where=theirs))
        return min(found, key=lambda p: (p.received_at, p.order_id), default=None)


class MemoryVoteRepository:
    def __init__(self, tables: ReviewsTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.votes, tx

    async def add(self, review_id: str, voter_id: str) -> bool:
        key = f"{review_id}:{voter_id}"
        if self.tx.get(self.table, key) is not None:
            return False
        _unchanged_at_commit(self.tx, self.table, key, "vote")
        self.tx.put(self.table, key, (review_id, voter_id))
        return True

    async def remove(self, review_id: str, voter_id: str) -> bool:
        key = f"{review_id}:{voter_id}"
        if self.tx.get(self.table, key) is None:
            return False
        _unchanged_at_commit(self.tx, self.table, key, "vote")
        self.tx.delete(self.table, key)
        return True


class MemoryReportRepository:
    def __init__(self, tables: ReviewsTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.reports, tx

    async def add(self, review_id: str, reporter_id: str, reason: str, at: datetime) -> bool:
        key = f"{review_id}:{reporter_id}"
        if self.tx.get(self.table, key) is not None:
            return False
        _unchanged_at_commit(self.tx, self.table, key, "report")
        self.tx.put(self.table, key, (review_id, reporter_id, reason, at))
        return True


class MemoryReviewsUnitOfWork(MemoryUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``ReviewsUnitOfWork`` (mutable protocol members).
    reviews: ReviewRepository
    purchases: PurchaseRepository
    votes: VoteRepository
    reports: ReportRepository

    def __init__(self, tables: ReviewsTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.reviews = MemoryReviewRepository(self.tables, self.tx, self.seen)
        self.purchases = MemoryPurchaseRepository(self.tables, self.tx)
        self.votes = MemoryVoteRepository(self.tables, self.tx)
        self.reports = MemoryReportRepository(self.tables, self.tx)


# Ratings


class RatingsTables:
    def __init__(self) -> None:
        self.ratings = MemoryTable("ratings")
        self.contributions = MemoryTable("rating_contributions")


def _subject(subject_type: RatedSubject, subject_id: str) -> str:
    return f"{subject_type.value}:{subject_id}"


class MemoryRatingRepository:
    def __init__(self, tables: RatingsTables, tx: MemoryTransaction, seen: SeenAggregates, lock: Lock) -> None:
        self.tables, self.tx, self.seen, self._lock = tables, tx, seen, lock

    async def lock(self, subjects: Sequence[tuple[RatedSubject, str]]) -> list[Rating]:
        await self._lock()
        found: dict[tuple[RatedSubject, str], Rating] = {}
        for subject_type, subject_id in sorted(set(subjects)):
            key = _subject(subject_type, subject_id)
            rating: Rating | None = self.tx.get(self.tables.ratings, key)
            if rating is None:
                # Stored at once, as PostgreSQL inserts the missing rows before it locks them.
                rating = Rating(subject_type, subject_id)
                self.tx.put(self.tables.ratings, key, rating)
            self.seen.add(rating)
            found[(subject_type, subject_id)] = rating
        return [found[subject] for subject in subjects]

    async def save(self, rating: Rating) -> None:
        self.tx.put(self.tables.ratings, _subject(rating.subject_type, rating.subject_id), rating)
        self.seen.add(rating)

    async def contribution(self, review_id: str) -> Contribution | None:
        found: Contribution | None = self.tx.get(self.tables.contributions, review_id)
        return found

    async def put_contribution(self, contribution: Contribution) -> None:
        self.tx.put(self.tables.contributions, contribution.review_id, contribution)

    async def of(self, subject_type: RatedSubject, subject_ids: Sequence[str]) -> dict[str, Rating]:
        found = {i: self.tx.get(self.tables.ratings, _subject(subject_type, i)) for i in subject_ids}
        return {i: rating for i, rating in found.items() if rating is not None}


class MemoryRatingsUnitOfWork(LockingMemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``RatingsUnitOfWork`` (a mutable protocol member).
    ratings: RatingRepository

    def __init__(self, tables: RatingsTables, publisher: EventPublisher, lock: asyncio.Lock) -> None:
        super().__init__(publisher, lock)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.ratings = MemoryRatingRepository(self.tables, self.tx, self.seen, self.hold_lock)
