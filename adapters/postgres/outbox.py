"""The outbox relay: moves committed events from ``outbox`` to the publisher, oldest first.

One pass takes the database's relay lock (a transaction-scoped advisory lock: relays in several
processes take turns, so none publishes a row another has in hand, and none can overtake another's
batch), reads the oldest pending rows, publishes them, and marks them published, all in one
transaction: a crash before the mark publishes the batch again, which the consumers' inbox absorbs. A
pass that finds the lock taken does nothing: the relay holding it is publishing.

Order: rows go out in id order, which per aggregate is commit order (see ``unit_of_work``), one relay at
a time, so one aggregate's events are never reordered.

Failures: when a batch fails, its events are retried one by one to find the culprit; those before it are
published, the culprit's ``attempts`` and ``last_error`` are recorded and the error is re-raised so the
worker backs off. After ``max_attempts`` failures the event is parked (``dead_at`` set, logged at ERROR)
and the rest flow again. A failure the publisher reports as ``Unavailable`` (its broker is down) is
counted but never parks an event: an outage is not the event's fault.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import asyncpg

from adapters.postgres.pool import unavailable_on_failure
from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope
from ports.shared import EventPublisher, OutboxBacklog

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10

# One round trip when there is nothing to publish (most passes), rather than a transaction's four.
_ANY_PENDING = "SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL AND dead_at IS NULL)"
# Taken for the length of a pass; one lock per database, as advisory locks are.
RELAY_LOCK = 0x0B0D
_TAKE_TURN = "SELECT pg_try_advisory_xact_lock($1::bigint)"
_CLAIM = """
SELECT id, event_id, type, key, occurred_at, payload, correlation_id, traceparent
FROM outbox
WHERE published_at IS NULL AND dead_at IS NULL
ORDER BY id
LIMIT $1
"""
_MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])"
_UNMARK = "UPDATE outbox SET published_at = NULL WHERE id = ANY($1::bigint[])"
# Monitoring's look (each on its partial index): pending, the oldest pending one's wait, the dead letters.
_BACKLOG = """
SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL AND dead_at IS NULL) AS pending,
       (SELECT extract(epoch FROM now() - created_at) FROM outbox
        WHERE published_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1) AS oldest,
       (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL) AS dead
"""
_RECORD_FAILURE = """
UPDATE outbox
SET attempts = attempts + 1,
    last_error = $2,
    dead_at = CASE WHEN $3 AND attempts + 1 >= $4 THEN now() END
WHERE id = $1
RETURNING attempts, dead_at IS NOT NULL AS dead
"""


def _envelope(row: Any) -> EventEnvelope:
    return EventEnvelope(
        id=row["event_id"],
        type=row["type"],
        occurred_at=row["occurred_at"],
        key=row["key"],
        payload=row["payload"],
        correlation_id=row["correlation_id"],
        traceparent=row["traceparent"],
    )


class PostgresOutboxRelay:
    acquire_timeout: float = 10.0

    def __init__(
        self,
        pool: asyncpg.Pool,
        publisher: EventPublisher,
        max_attempts: int = MAX_ATTEMPTS,
        inbox_retention: timedelta | None = None,
    ) -> None:
        self._pool = pool
        self._publisher = publisher
        self.max_attempts = max_attempts
        # The consumers' inbox of this database is pruned with the outbox: ids handled this long ago go.
        self.inbox_retention = inbox_retention

    async def relay_once(self, batch_size: int = 100) -> int:
        """Publish at most ``batch_size`` pending events; return how many were published."""
        with unavailable_on_failure("the outbox is unavailable"):
            async with self._pool.acquire(timeout=self.acquire_timeout) as conn:
                if not await conn.fetchval(_ANY_PENDING):
                    return 0
                async with conn.transaction():
                    if not await conn.fetchval(_TAKE_TURN, RELAY_LOCK):
                        return 0
                    rows = await conn.fetch(_CLAIM, batch_size)
                    if not rows:
                        return 0
                    published, failure = await self._publish(conn, rows)
        if failure is not None:
            raise failure
        return published

    async def _publish(self, conn: Any, rows: list[Any]) -> tuple[int, Exception | None]:
        envelopes = [_envelope(r) for r in rows]
        ids = [r["id"] for r in rows]
        # The rows are marked while the broker acknowledges them (the mark costs as much as a tenth of the
        # round): the transaction commits only once both are done, and a failed publish unmarks them.
        outcome: list[object] = await asyncio.gather(
            self._publisher.publish(envelopes), conn.execute(_MARK_PUBLISHED, ids), return_exceptions=True
        )
        published, marked = outcome
        if isinstance(marked, BaseException):
            raise marked
        if not isinstance(published, BaseException):
            return len(rows), None
        if not isinstance(published, Exception):
            raise published
        exc = published
        await conn.execute(_UNMARK, ids)
        if len(rows) == 1:
            dead = await self._record_failure(conn, rows[0], exc)
            return 0, None if dead else exc
        log.warning("publishing %d outbox events failed (%r); retrying one by one", len(rows), exc)

        done: list[int] = []
        failure: Exception | None = None
        for row, envelope in zip(rows, envelopes, strict=True):
            try:
                await self._publisher.publish([envelope])
            except Exception as exc:
                if not await self._record_failure(conn, row, exc):
                    failure = exc
                    break
            else:
                done.append(row["id"])
        await conn.execute(_MARK_PUBLISHED, done)
        return len(done), failure

    async def purge(self, older_than: timedelta) -> int:
        purged = await purge_published(self._pool, older_than)
        if self.inbox_retention is not None:
            purged += await purge_inbox(self._pool, self.inbox_retention)
        return purged

    async def backlog(self) -> OutboxBacklog:
        with unavailable_on_failure("the outbox is unavailable"):
            row = await self._pool.fetchrow(_BACKLOG, timeout=self.acquire_timeout)
        return OutboxBacklog(row["pending"], row["dead"], max(0.0, float(row["oldest"] or 0)))

    async def _record_failure(self, conn: Any, row: Any, exc: Exception) -> bool:
        """Count a failed publish of ``row``; return True when it is now a dead letter."""
        error = f"{type(exc).__name__}: {exc}"[:2000]
        may_park = not isinstance(exc, Unavailable)
        result = await conn.fetchrow(_RECORD_FAILURE, row["id"], error, may_park, self.max_attempts)
        if result["dead"]:
            log.error(
                "outbox event %s (%s, key %s) failed %d times and was set aside as a dead letter: %s",
                row["event_id"],
                row["type"],
                row["key"],
                result["attempts"],
                error,
            )
            return True
        return False


async def purge_published(pool: asyncpg.Pool, older_than: timedelta) -> int:
    """Delete events published more than ``older_than`` ago; return how many. Dead letters stay."""
    with unavailable_on_failure("the outbox is unavailable"):
        status = await pool.execute("DELETE FROM outbox WHERE published_at < now() - $1::interval", older_than)
    return int(status.split()[-1])


async def purge_inbox(pool: asyncpg.Pool, older_than: timedelta) -> int:
    """Forget the event ids consumers handled more than ``older_than`` ago; return how many. No event is
    redelivered that late: the outbox keeps nothing unpublished that long, nor a broker a message."""
    with unavailable_on_failure("the inbox is unavailable"):
        status = await pool.execute("DELETE FROM inbox WHERE processed_at < now() - $1::interval", older_than)
    return int(status.split()[-1])
