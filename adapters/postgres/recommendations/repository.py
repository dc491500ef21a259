"""Personal lists and their build queue in the ``recommendations`` schema; behave exactly as
``adapters.memory.recommendations``.

``take`` locks the due builds with ``FOR UPDATE SKIP LOCKED`` and leases them in the same statement: two
builders taking at once share nothing (one skips what the other is taking; once it commits, the lease keeps
the rows from any other take until ``lease_until``). Every ``mark`` moves ``marked_at`` forward, to ``now``
or a microsecond past the previous mark when the clock says otherwise, so ``done`` always tells a mark made
after the take. ``done`` deletes first and, if a later mark kept the row, releases it in a statement of its
own: one that waited for a concurrent mark sees that mark.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.recommendations.model import Build, PersonalList, Pick, Reason
from ports.recommendations import BuildQueue, PersonalListRepository

# The start of the message is enough to tell the failure; a stack dump is not kept whole in every row.
ERROR_LENGTH = 500

_GET_LIST = "SELECT user_id, picks, built_at, failed FROM recommendations.personal_lists WHERE user_id = $1"
_PUT_LIST = """
INSERT INTO recommendations.personal_lists (user_id, picks, built_at, failed) VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id) DO UPDATE
SET picks = EXCLUDED.picks, built_at = EXCLUDED.built_at, failed = EXCLUDED.failed
"""
_DROP_LIST = "DELETE FROM recommendations.personal_lists WHERE user_id = $1"
_BUILT_BEFORE = """
SELECT user_id FROM recommendations.personal_lists WHERE built_at < $1 ORDER BY built_at, user_id LIMIT $2
"""

_GET_BUILD = "SELECT user_id, due_at, marked_at, attempts, last_error FROM recommendations.builds WHERE user_id = $1"
# A failed build keeps its backoff; any other keeps the earlier of the two due times.
_MARK = """
INSERT INTO recommendations.builds AS b (user_id, due_at, marked_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE
SET due_at = CASE WHEN b.attempts = 0 THEN LEAST(b.due_at, EXCLUDED.due_at) ELSE b.due_at END,
    marked_at = GREATEST(EXCLUDED.marked_at, b.marked_at + interval '1 microsecond')
"""
_TAKE = """
UPDATE recommendations.builds b SET leased_until = $2
FROM (SELECT user_id FROM recommendations.builds
      WHERE due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1) AND {which}
      ORDER BY due_at, user_id LIMIT $3
      FOR UPDATE SKIP LOCKED) taken
WHERE b.user_id = taken.user_id
RETURNING b.user_id, b.due_at, b.marked_at, b.attempts, b.last_error
"""
_TAKE_FAILED = _TAKE.format(which="attempts > 0")
_TAKE_FRESH = _TAKE.format(which="attempts = 0")
_DONE = "DELETE FROM recommendations.builds WHERE user_id = $1 AND marked_at <= $2"
# Marked again while it was built: built again, by the regular builder (this build worked).
_KEEP = """
UPDATE recommendations.builds SET leased_until = NULL, attempts = 0, last_error = '' WHERE user_id = $1
RETURNING true
"""
_FAILED = """
UPDATE recommendations.builds
SET attempts = attempts + 1, last_error = $2, due_at = $3, leased_until = NULL
WHERE user_id = $1
"""
_FORGET = "DELETE FROM recommendations.builds WHERE user_id = $1"


def _picks(picks: tuple[Pick, ...]) -> list[dict[str, Any]]:
    return [
        {"product_id": p.product_id, "score": p.score, "reason": p.reason.value, "because_of": p.because_of}
        for p in picks
    ]


def _personal(row: Any) -> PersonalList:
    picks = tuple(Pick(p["product_id"], float(p["score"]), Reason(p["reason"]), p["because_of"]) for p in row["picks"])
    return PersonalList(row["user_id"], picks, row["built_at"], row["failed"])


def _build(row: Any) -> Build:
    return Build(row["user_id"], row["due_at"], row["marked_at"], row["attempts"], row["last_error"])


# ``conn`` is the unit of work's connection (``TransactionOnWrite``): a write or a lock begins its transaction.
class PostgresPersonalListRepository:
    def __init__(self, conn: Any, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    async def get(self, user_id: str) -> PersonalList | None:
        row = await self.conn.fetchrow(_GET_LIST, user_id)
        if row is None:
            return None
        personal = _personal(row)
        self.seen.add(personal)
        return personal

    async def put(self, personal: PersonalList) -> None:
        p = personal
        await self.conn.execute(_PUT_LIST, p.user_id, _picks(p.picks), p.built_at, p.failed)
        self.seen.add(personal)  # its RecommendationsRefreshed goes to the outbox with the commit

    async def drop(self, user_id: str) -> None:
        await self.conn.execute(_DROP_LIST, user_id)

    async def built_before(self, moment: datetime, limit: int) -> list[str]:
        return [row["user_id"] for row in await self.conn.fetch(_BUILT_BEFORE, moment, limit)]


class PostgresBuildQueue:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def mark(self, user_id: str, due_at: datetime, now: datetime) -> None:
        await self.conn.execute(_MARK, user_id, due_at, now)

    async def take(self, now: datetime, failed: bool, lease_until: datetime, limit: int) -> builtins.list[Build]:
        rows = await self.conn.fetch(_TAKE_FAILED if failed else _TAKE_FRESH, now, lease_until, limit)
        return sorted((_build(r) for r in rows), key=lambda b: (b.due_at, b.user_id))  # RETURNING has no order

    async def done(self, build: Build) -> bool:
        if await self.conn.execute(_DONE, build.user_id, build.marked_at) != "DELETE 0":
            return True
        # Nothing deleted: marked again meanwhile (the row is kept), or forgotten (nothing left to build).
        return not await self.conn.fetchval(_KEEP, build.user_id)

    async def failed(self, build: Build, error: str, retry_at: datetime) -> None:
        await self.conn.execute(_FAILED, build.user_id, error[:ERROR_LENGTH], retry_at)

    async def get(self, user_id: str) -> Build | None:
        row = await self.conn.fetchrow(_GET_BUILD, user_id)
        return None if row is None else _build(row)

    async def forget(self, user_id: str) -> None:
        await self.conn.execute(_FORGET, user_id)


class PostgresRecommendationsUnitOfWork(PostgresUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``RecommendationsUnitOfWork``.
    lists: PersonalListRepository
    builds: BuildQueue

    def _open(self, conn: asyncpg.Connection) -> None:
        self.lists = PostgresPersonalListRepository(conn, self.seen)
        self.builds = PostgresBuildQueue(conn)
