"""The PostgreSQL unit of work: one pooled connection, one transaction, the outbox written at commit.

``async with uow:`` takes a connection from the pool; the subclass binds its repositories to it in
``_open``. The transaction begins at the first statement that is not a plain SELECT, so a unit of work
that only reads costs one round trip per query instead of BEGIN + query + ROLLBACK (under READ COMMITTED
the reads see the same data either way). ``commit()`` writes the events of every aggregate the
repositories handed out into ``outbox`` within the same transaction, commits, and then calls
``on_commit`` (which nudges the outbox relay). Leaving the block without ``commit`` rolls back; the
connection always goes back to the pool. Outside the block (and after ``commit``) the repositories refuse
to run, so no statement can slip out of the transaction unnoticed.

Per-aggregate order: before its outbox rows are inserted, a commit takes a transaction-level advisory lock
per event key (the aggregate id). Two units of work raising events for the same aggregate therefore
insert them, and get their outbox ids, in the order they commit, and the relay (which publishes by id)
delivers one aggregate's events in commit order even when the changes touched no common row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, NoReturn, Self

import asyncpg

from adapters.postgres.pool import TRANSIENT_ERRORS, unavailable_on_failure
from adapters.tracking import SeenAggregates
from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope

log = logging.getLogger(__name__)

# The first half of the two-int advisory lock keys of outbox writers (the second is hashtext(key)).
OUTBOX_KEY_LOCK = 0x0B0C

_LOCK_KEYS = "SELECT pg_advisory_xact_lock($1::int, hashtext(k)) FROM unnest($2::text[]) AS k"
_INSERT_OUTBOX = """
INSERT INTO outbox (event_id, type, key, occurred_at, payload, correlation_id, traceparent)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


class _NotOpen:
    """Stands in for the connection outside ``async with uow:``: any use is a clear error."""

    def __getattr__(self, name: str) -> NoReturn:
        raise RuntimeError(
            "the unit of work is not open: use its repositories inside `async with uow:` and before commit()"
        )


NOT_OPEN: Any = _NotOpen()


async def write_outbox(conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
    """Insert ``envelopes`` into the outbox, in order, within the caller's transaction."""
    if not envelopes:
        return
    await conn.execute(_LOCK_KEYS, OUTBOX_KEY_LOCK, sorted({e.key for e in envelopes}))
    await conn.executemany(
        _INSERT_OUTBOX,
        [(e.id, e.type, e.key, e.occurred_at, e.payload, e.correlation_id, e.traceparent) for e in envelopes],
    )


def _only_reads(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].upper() == "SELECT" and " FOR " not in sql.upper()


class TransactionOnWrite:
    """The connection as repositories see it: reads run at once; the first write begins the transaction."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.tx: Any = None

    async def begin(self) -> None:
        if self.tx is None:
            tx = self.conn.transaction()
            await tx.start()
            self.tx = tx

    async def _before(self, sql: str) -> None:
        if self.tx is None and not _only_reads(sql):
            await self.begin()

    async def fetch(self, sql: str, *args: Any, **kw: Any) -> Any:
        await self._before(sql)
        return await self.conn.fetch(sql, *args, **kw)

    async def fetchrow(self, sql: str, *args: Any, **kw: Any) -> Any:
        await self._before(sql)
        return await self.conn.fetchrow(sql, *args, **kw)

    async def fetchval(self, sql: str, *args: Any, **kw: Any) -> Any:
        await self._before(sql)
        return await self.conn.fetchval(sql, *args, **kw)

    async def execute(self, sql: str, *args: Any, **kw: Any) -> Any:
        await self._before(sql)
        return await self.conn.execute(sql, *args, **kw)

    async def executemany(self, sql: str, args: Any, **kw: Any) -> Any:
        await self._before(sql)
        return await self.conn.executemany(sql, args, **kw)


def _is_dead(conn: Any) -> bool:
    try:
        return bool(conn.is_closed())
    except asyncpg.InterfaceError:  # the pool detached it: it noticed the connection was lost
        return True


class PostgresUnitOfWork:
    # How long to wait for a free pooled connection before reporting the database unavailable.
    acquire_timeout: float = 10.0

    def __init__(self, pool: asyncpg.Pool, on_commit: Callable[[], None] | None = None) -> None:
        self._pool = pool
        self._on_commit = on_commit
        self._conn: Any = None
        self._tx: TransactionOnWrite | None = None
        self.seen = SeenAggregates()
        self._open(NOT_OPEN)

    def _open(self, conn: asyncpg.Connection) -> None:
        """Subclasses build their repositories over ``conn`` (and ``self.seen``) here."""

    async def __aenter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("this unit of work is already open; each concurrent task needs its own")
        with unavailable_on_failure("the database is unavailable"):
            # asyncio.timeout arms a timer; acquire(timeout=...) would start a task per unit of work.
            async with asyncio.timeout(self.acquire_timeout):
                conn = await self._pool.acquire()
        tx = TransactionOnWrite(conn)
        self._conn, self._tx = conn, tx
        self.seen = SeenAggregates()
        self._open(tx)  # it offers the connection methods the repositories use
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, tx = self._conn, self._tx
        self._conn = self._tx = None
        self.seen.clear()
        self._open(NOT_OPEN)
        if conn is None:
            return
        lost = False
        try:
            if tx is not None and tx.tx is not None:
                await tx.tx.rollback()
        except Exception:
            # The connection is lost (or mid-statement): it must not go back to the pool as it is.
            if isinstance(exc, asyncio.CancelledError):
                # Cancelled in its COMMIT (a process stopping, a caller's timeout), which leaves asyncpg's
                # transaction unable to roll back: expected, and the server ends the transaction itself.
                log.info("unit of work cancelled while committing; discarding the connection")
            else:
                log.warning("rollback failed; discarding the connection", exc_info=True)
            lost = True
            with contextlib.suppress(Exception):  # the pool may have dropped it already
                conn.terminate()
        finally:
            lost = lost or _is_dead(conn)  # asked before release, which detaches the proxy
            await self._pool.release(conn)  # a no-op for a connection the pool already took back
        # A failure that left the connection dead is the database's, whatever asyncpg called it (a
        # backend killed between statements surfaces as an InternalClientError, or an InterfaceError
        # once the pool has noticed and detached the connection).
        if isinstance(exc, TRANSIENT_ERRORS) or (isinstance(exc, Exception) and lost):
            raise Unavailable(f"the database is unavailable: {type(exc).__name__}: {exc}") from exc

    async def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("commit() needs an open unit of work (`async with uow:`), once")
        envelopes = self.seen.collect()
        tx = self._tx
        with unavailable_on_failure("the change could not be committed"):
            if envelopes:
                await tx.begin()
                await write_outbox(self._conn, envelopes)
            if tx.tx is not None:
                await tx.tx.commit()
        self._tx = None
        self._open(NOT_OPEN)
        if envelopes and self._on_commit is not None:
            try:
                self._on_commit()
            except Exception:
                # The change is durable and the relay polls anyway: a failed nudge only delays it.
                log.exception("on_commit callback failed")
