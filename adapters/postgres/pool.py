"""Connection pools, their health check, and the one rule for infrastructure failures.

Every pooled connection decodes ``jsonb`` to Python dicts and lists (and encodes them back), so
repositories never handle JSON text. A failure that a retry may cure (the server is down, restarting,
out of connections, or a statement timed out) surfaces as ``core.shared.errors.Unavailable``; anything
else is a bug and propagates as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import orjson

from core.shared.errors import Unavailable

# Errors that say "the database cannot serve you now", not "your statement is wrong".
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,  # class 08: connection lost or refused
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutdown, restart, statement timeout
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: too many connections, disk full
    asyncpg.exceptions.TransactionRollbackError,  # class 40: serialization failure, deadlock
)


def describe(dsn: str) -> str:
    """The DSN without its credentials, fit for an error message or a log line."""
    parts = urlsplit(dsn)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path}"


@contextlib.contextmanager
def unavailable_on_failure(what: str) -> Iterator[None]:
    """Turn a transient database failure raised inside the block into ``Unavailable``."""
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        raise Unavailable(f"{what}: {type(exc).__name__}: {exc}") from exc


def _json_text(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


async def _set_up_connection(conn: Any) -> None:
    # orjson: every outbox row and many aggregates are jsonb, written and read on every unit of work.
    await conn.set_type_codec("jsonb", encoder=_json_text, decoder=orjson.loads, schema="pg_catalog")


async def _keep_session(conn: Any) -> None:
    """What a connection must lose before its next user, beyond the open transaction asyncpg rolls back
    anyway: nothing. The app keeps no session state on pooled connections (its advisory locks are
    transaction-scoped, it holds no cursor outside a transaction, never LISTENs or SETs), so asyncpg's
    default reset (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) would be one round trip more for every
    unit of work, for nothing."""


# ``timeout`` configures the pool's connections (connect and command timeouts); it bounds no single await.
async def create_pool(dsn: str, min_size: int, max_size: int, timeout: float) -> asyncpg.Pool:  # noqa: ASYNC109
    """A pool whose connections speak jsonb as Python values; every statement is bounded by ``timeout``."""
    with unavailable_on_failure(f"PostgreSQL at {describe(dsn)} is unreachable"):
        pool = await asyncpg.create_pool(
            dsn,
            min_size=min(min_size, max_size),
            max_size=max_size,
            timeout=timeout,
            command_timeout=timeout,
            init=_set_up_connection,
            reset=_keep_session,
        )
    return pool


class PostgresHealth:
    def __init__(self, name: str, pool: asyncpg.Pool, timeout: float = 2.0) -> None:
        self.name = name
        self._pool = pool
        self._timeout = timeout

    async def check(self) -> None:
        try:
            async with self._pool.acquire(timeout=self._timeout) as conn:
                answer = await conn.fetchval("SELECT 1", timeout=self._timeout)
        except Exception as exc:  # whatever went wrong, the answer is "not healthy"
            raise Unavailable(f"{self.name} does not answer: {type(exc).__name__}: {exc}") from exc
        if answer != 1:
            raise Unavailable(f"{self.name} answered SELECT 1 with {answer!r}")
