"""Ratings and the reviews' contributions in the ``ratings`` schema; behave exactly as the ratings of
``adapters.memory.reviews``.

Locks: ``lock`` first inserts the ratings missing (``ON CONFLICT DO NOTHING``), then takes them with
``SELECT ... ORDER BY subject_type, subject_id FOR UPDATE``; both statements go through the subjects in
that one order, so two units of work never wait for each other in a circle. A lock granted after a wait
returns the row as its previous holder committed it, and the contribution is read by a statement of its
own after the lock, so it too is what the previous holder left.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.reviews.ratings import Contribution, RatedSubject, Rating
from ports.reviews import RatingRepository

_INSERT_MISSING = """
INSERT INTO ratings.ratings (subject_type, subject_id)
SELECT subject_type, subject_id FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(subject_type, subject_id, n)
ORDER BY n
ON CONFLICT DO NOTHING
"""
_LOCK = """
SELECT r.subject_type, r.subject_id, r.stars, r.version
FROM ratings.ratings r
JOIN unnest($1::text[], $2::text[]) AS s(subject_type, subject_id)
  ON r.subject_type = s.subject_type AND r.subject_id = s.subject_id
ORDER BY r.subject_type, r.subject_id
FOR UPDATE OF r
"""
_SAVE = "UPDATE ratings.ratings SET stars = $3, version = $4 WHERE subject_type = $1 AND subject_id = $2"
_OF = """
SELECT subject_type, subject_id, stars, version FROM ratings.ratings
WHERE subject_type = $1 AND subject_id = ANY($2::text[])
"""
_CONTRIBUTION = (
    "SELECT review_id, product_id, seller_id, position, stars FROM ratings.contributions WHERE review_id = $1"
)
_PUT_CONTRIBUTION = """
INSERT INTO ratings.contributions (review_id, product_id, seller_id, position, stars) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (review_id) DO UPDATE
SET product_id = EXCLUDED.product_id, seller_id = EXCLUDED.seller_id, position = EXCLUDED.position,
    stars = EXCLUDED.stars
"""


def _rating(row: Any) -> Rating:
    return Rating(RatedSubject(row["subject_type"]), row["subject_id"], list(row["stars"]), row["version"])


# ``conn`` is the unit of work's connection (``TransactionOnWrite``): a write or a lock begins its transaction.
class PostgresRatingRepository:
    def __init__(self, conn: Any, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    async def lock(self, subjects: Sequence[tuple[RatedSubject, str]]) -> list[Rating]:
        # Python orders str by code point, as the "C" collation of subject_id does (and the two subject
        # types sort alike in any collation): the inserts follow the order of the locks.
        wanted = sorted({(subject_type.value, subject_id) for subject_type, subject_id in subjects})
        types, ids = [t for t, _ in wanted], [i for _, i in wanted]
        await self.conn.execute(_INSERT_MISSING, types, ids)
        found: dict[tuple[str, str], Rating] = {}
        for row in await self.conn.fetch(_LOCK, types, ids):
            rating = _rating(row)
            self.seen.add(rating)
            found[(rating.subject_type.value, rating.subject_id)] = rating
        return [found[(subject_type.value, subject_id)] for subject_type, subject_id in subjects]

    async def save(self, rating: Rating) -> None:
        await self.conn.execute(_SAVE, rating.subject_type.value, rating.subject_id, rating.stars, rating.version)
        self.seen.add(rating)

    async def contribution(self, review_id: str) -> Contribution | None:
        row = await self.conn.fetchrow(_CONTRIBUTION, review_id)
        if row is None:
            return None
        return Contribution(row["review_id"], row["product_id"], row["seller_id"], row["position"], row["stars"])

    async def put_contribution(self, contribution: Contribution) -> None:
        c = contribution
        await self.conn.execute(_PUT_CONTRIBUTION, c.review_id, c.product_id, c.seller_id, c.position, c.stars)

    async def of(self, subject_type: RatedSubject, subject_ids: Sequence[str]) -> dict[str, Rating]:
        rows = await self.conn.fetch(_OF, subject_type.value, list(subject_ids))
        return {row["subject_id"]: _rating(row) for row in rows}


class PostgresRatingsUnitOfWork(PostgresUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``RatingsUnitOfWork`` (a mutable protocol member).
    ratings: RatingRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.ratings = PostgresRatingRepository(conn, self.seen)
