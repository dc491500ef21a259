"""Reviews, purchases, helpful votes and reports in the ``reviews`` schema; behave exactly as
``adapters.memory.reviews``.

A review's row keeps its latest revision and its live one; the live rating and whether the live text has
photos are generated from the live content, for the listings to filter and sort by (their indexes are in
the migration). Listings are keyset pages: the cursor holds the sort key of the last review returned
(its rank, for the helpful and rating orders, then its publication and id, the tie-break of every order:
the last first).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import cattrs

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.versioned import VersionedRows
from adapters.tracking import SeenAggregates
from core.reviews.model import (
    LiveRevision,
    Purchase,
    Review,
    ReviewContent,
    ReviewSort,
    ReviewStatus,
    SellerAnswer,
)
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, moment_key, page_of, ranked_moment_after
from ports.reviews import PurchaseRepository, ReportRepository, ReviewRepository, VoteRepository

REVIEWED_ALREADY = "this customer has a review of this product already"

_COLUMNS = """id, product_id, seller_id, author_id, author_name, verified, revision, content, status, rejection_reasons,
created_at, updated_at, live_revision, live_content, live_published_at, helpful, reports, answer_text, answered_at,
version"""
_SELECT = f"SELECT {_COLUMNS} FROM reviews.reviews"  # noqa: S608 - fixed text, no input
_INSERT = f"""
INSERT INTO reviews.reviews ({_COLUMNS})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
ON CONFLICT DO NOTHING
RETURNING true
"""  # noqa: S608 - fixed text, no input
_ROWS = VersionedRows(
    "reviews.reviews",
    "review",
    (
        "author_name",
        "verified",
        "revision",
        "content",
        "status",
        "rejection_reasons",
        "updated_at",
        "live_revision",
        "live_content",
        "live_published_at",
        "helpful",
        "reports",
        "answer_text",
        "answered_at",
    ),
)
_SHOWN = "live_published_at IS NOT NULL AND status <> 'deleted'"
_NEWEST = "live_published_at DESC, id DESC"

# Per order: the ranking column (none for the newest first), its direction, and the ORDER BY.
_ORDERS: dict[ReviewSort, tuple[str | None, bool, str]] = {
    ReviewSort.NEWEST: (None, False, _NEWEST),
    ReviewSort.HELPFUL: ("helpful", False, f"helpful DESC, {_NEWEST}"),
    ReviewSort.RATING_DESC: ("live_rating", False, f"live_rating DESC, {_NEWEST}"),
    ReviewSort.RATING_ASC: ("live_rating", True, f"live_rating, {_NEWEST}"),
}

# Value objects kept as jsonb: a revision's content (with its photos).
_json = cattrs.Converter()
_json.register_unstructure_hook(datetime, lambda d: d.isoformat())
_json.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))


class _Listing:
    """One listing query: conditions joined by AND, their values numbered in the order they come."""

    def __init__(self, condition: str, *values: Any) -> None:
        self.conditions: list[str] = []
        self.values: list[Any] = []
        self.where(condition, *values)

    def where(self, condition: str, *values: Any) -> None:
        """``condition`` names its values {0}, {1}... (a constant fragment: only numbers are formatted in)."""
        numbers = [f"${len(self.values) + n}" for n in range(1, len(values) + 1)]
        self.conditions.append(condition.format(*numbers))
        self.values.extend(values)

    def page(self, order: str, page: PageRequest) -> tuple[str, list[Any]]:
        values = [*self.values, page.limit + 1]
        query = f"{_SELECT} WHERE {' AND '.join(self.conditions)} ORDER BY {order} LIMIT ${len(values)}"
        return query, values


def _review(row: Any) -> Review:
    live = None
    if row["live_revision"] is not None:
        live = LiveRevision(
            row["live_revision"], _json.structure(row["live_content"], ReviewContent), row["live_published_at"]
        )
    answer = None if row["answer_text"] is None else SellerAnswer(row["answer_text"], row["answered_at"])
    return Review(
        id=row["id"],
        product_id=row["product_id"],
        seller_id=row["seller_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        verified=row["verified"],
        revision=row["revision"],
        content=_json.structure(row["content"], ReviewContent),
        status=ReviewStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        live=live,
        rejection_reasons=tuple(row["rejection_reasons"]),
        helpful=row["helpful"],
        reports=row["reports"],
        answer=answer,
        version=row["version"],
    )


def _row(review: Review) -> dict[str, Any]:
    """The review as its row's columns, in the table's order."""
    live, answer = review.live, review.answer
    return {
        "id": review.id,
        "product_id": review.product_id,
        "seller_id": review.seller_id,
        "author_id": review.author_id,
        "author_name": review.author_name,
        "verified": review.verified,
        "revision": review.revision,
        "content": _json.unstructure(review.content),
        "status": review.status.value,
        "rejection_reasons": list(review.rejection_reasons),
        "created_at": review.created_at,
        "updated_at": review.updated_at,
        "live_revision": None if live is None else live.revision,
        "live_content": None if live is None else _json.unstructure(live.content),
        "live_published_at": None if live is None else live.published_at,
        "helpful": review.helpful,
        "reports": review.reports,
        "answer_text": None if answer is None else answer.text,
        "answered_at": None if answer is None else answer.answered_at,
        "version": review.version,
    }


def _published_key(review: Review) -> list[str]:
    assert review.live is not None  # only shown reviews are listed by publication
    return moment_key(review.live.published_at, review.id)


# ``conn`` is the unit of work's connection (``TransactionOnWrite``).
class PostgresReviewRepository:
    def __init__(self, conn: Any, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Review | None:
        if row is None:
            return None
        review = _review(row)
        self.seen.add(review)
        return review

    async def _page(self, listing: _Listing, order: str, page: PageRequest, key: Any) -> Page[Review]:
        query, values = listing.page(order, page)
        rows = await self.conn.fetch(query, *values)
        return page_of([r for r in map(self._track, rows) if r is not None], page, key)

    async def add(self, review: Review) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction. A racing unit of
        # work adding the author's review of the product waits here for this one, then finds its row.
        if not await self.conn.fetchval(_INSERT, *_row(review).values()):
            raise Conflict(REVIEWED_ALREADY)
        self.seen.add(review)

    async def get(self, review_id: str) -> Review | None:
        return self._track(await self.conn.fetchrow(_SELECT + " WHERE id = $1", review_id))

    async def of_author_for(self, author_id: str, product_id: str) -> Review | None:
        query = _SELECT + " WHERE author_id = $1 AND product_id = $2 AND status <> 'deleted'"
        return self._track(await self.conn.fetchrow(query, author_id, product_id))

    async def update(self, review: Review) -> None:
        review.version = await _ROWS.save(self.conn, _row(review), review.version)
        self.seen.add(review)

    async def shown(
        self, product_id: str, sort: ReviewSort, stars: Sequence[int], with_photos: bool, page: PageRequest
    ) -> Page[Review]:
        rank, ascending, order = _ORDERS[sort]
        listing = _Listing(f"product_id = {{0}} AND {_SHOWN}", product_id)
        if stars:
            listing.where("live_rating = ANY({0}::int[])", sorted(set(stars)))
        if with_photos:
            listing.where("live_has_photos")
        if rank is None:
            after = moment_after(page)
            if after is not None:
                listing.where("(live_published_at, id) < ({0}, {1})", *after)
            return await self._page(listing, order, page, _published_key)
        ranked = ranked_moment_after(page)
        if ranked is not None and ascending:
            # The first condition alone is one the index can start from; the second finishes the job.
            condition = f"{rank} >= {{0}} AND ({rank} > {{0}} OR (live_published_at, id) < ({{1}}, {{2}}))"
            listing.where(condition, *ranked)
        elif ranked is not None:
            listing.where(f"({rank}, live_published_at, id) < ({{0}}, {{1}}, {{2}})", *ranked)

        def key(review: Review) -> list[Any]:
            assert review.live is not None
            value = review.helpful if sort is ReviewSort.HELPFUL else review.live.content.rating
            return [value, review.live.published_at.isoformat(), review.id]

        return await self._page(listing, order, page, key)

    async def of_author(self, author_id: str, page: PageRequest) -> Page[Review]:
        listing = _Listing("author_id = {0} AND status <> 'deleted'", author_id)
        after = moment_after(page)
        if after is not None:
            listing.where("(updated_at, id) < ({0}, {1})", *after)
        return await self._page(listing, "updated_at DESC, id DESC", page, lambda r: moment_key(r.updated_at, r.id))

    async def of_seller(
        self, seller_id: str, product_id: str | None, unanswered: bool, page: PageRequest
    ) -> Page[Review]:
        listing = _Listing(f"seller_id = {{0}} AND {_SHOWN}", seller_id)
        if product_id is not None:
            listing.where("product_id = {0}", product_id)
        if unanswered:
            listing.where("answer_text IS NULL")
        after = moment_after(page)
        if after is not None:
            listing.where("(live_published_at, id) < ({0}, {1})", *after)
        return await self._page(listing, _NEWEST, page, _published_key)


_RECORD = """
INSERT INTO reviews.purchases (order_id, product_id, customer_id, seller_id, ordered_at, received_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
ON CONFLICT DO NOTHING
"""
_MARK_RECEIVED = "UPDATE reviews.purchases SET received_at = $2 WHERE order_id = $1 AND received_at IS NULL"
_RECEIVED = """
SELECT order_id, product_id, customer_id, seller_id, ordered_at, received_at FROM reviews.purchases
WHERE customer_id = $1 AND product_id = $2 AND received_at IS NOT NULL
ORDER BY received_at, order_id
LIMIT 1
"""


class PostgresPurchaseRepository:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def record(self, purchases: Sequence[Purchase]) -> None:
        if not purchases:
            return
        await self.conn.execute(
            _RECORD,
            [p.order_id for p in purchases],
            [p.product_id for p in purchases],
            [p.customer_id for p in purchases],
            [p.seller_id for p in purchases],
            [p.ordered_at for p in purchases],
            [p.received_at for p in purchases],
        )

    async def mark_received(self, order_id: str, at: datetime) -> None:
        await self.conn.execute(_MARK_RECEIVED, order_id, at)

    async def received(self, customer_id: str, product_id: str) -> Purchase | None:
        row = await self.conn.fetchrow(_RECEIVED, customer_id, product_id)
        if row is None:
            return None
        return Purchase(
            order_id=row["order_id"],
            product_id=row["product_id"],
            customer_id=row["customer_id"],
            seller_id=row["seller_id"],
            ordered_at=row["ordered_at"],
            received_at=row["received_at"],
        )


class PostgresVoteRepository:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def add(self, review_id: str, voter_id: str) -> bool:
        query = "INSERT INTO reviews.votes (review_id, voter_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true"
        return bool(await self.conn.fetchval(query, review_id, voter_id))

    async def remove(self, review_id: str, voter_id: str) -> bool:
        query = "DELETE FROM reviews.votes WHERE review_id = $1 AND voter_id = $2 RETURNING true"
        return bool(await self.conn.fetchval(query, review_id, voter_id))


class PostgresReportRepository:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def add(self, review_id: str, reporter_id: str, reason: str, at: datetime) -> bool:
        query = """
        INSERT INTO reviews.reports (review_id, reporter_id, reason, reported_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING
        RETURNING true
        """
        return bool(await self.conn.fetchval(query, review_id, reporter_id, reason, at))


class PostgresReviewsUnitOfWork(PostgresUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``ReviewsUnitOfWork`` (mutable protocol members).
    reviews: ReviewRepository
    purchases: PurchaseRepository
    votes: VoteRepository
    reports: ReportRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.reviews = PostgresReviewRepository(conn, self.seen)
        self.purchases = PostgresPurchaseRepository(conn)
        self.votes = PostgresVoteRepository(conn)
        self.reports = PostgresReportRepository(conn)
