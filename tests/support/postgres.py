"""PostgreSQL for tests: throwaway databases on the server ``scripts/services up`` starts.

The server comes from ``MARKETPLACE_USERS_DB_DSN`` (default: the one ``scripts/services`` runs). Each
suite makes its own uniquely named database, so suites (and parallel runs) never see each other's rows.
When the server cannot be reached the test fails (never skips: an infra test that silently passes without
its server proves nothing) with a message saying how to start it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import AsyncIterator
from typing import NoReturn
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg
import pytest

from adapters.postgres.migrations import ensure_database, maintenance_dsn, migrate
from adapters.postgres.pool import create_pool, describe
from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope

DSN_ENV = "MARKETPLACE_USERS_DB_DSN"
DEFAULT_DSN = "postgresql://marketplace:marketplace@127.0.0.1:55432/users"
CONTEXTS = ["auth", "users"]


def base_dsn() -> str:
    return os.environ.get(DSN_ENV, DEFAULT_DSN)


def dsn_for(database: str, dsn: str | None = None) -> str:
    """``dsn`` (by default the base one) pointed at another database of the same server."""
    return urlunsplit(urlsplit(dsn or base_dsn())._replace(path=f"/{database}"))


def _unreachable(exc: BaseException) -> NoReturn:
    pytest.fail(
        f"PostgreSQL at {describe(base_dsn())} does not answer ({type(exc).__name__}: {exc}). Start the test "
        f"servers with `scripts/services up` (or point {DSN_ENV} at a PostgreSQL 15 whose user may create "
        "databases).",
        pytrace=False,
    )


async def create_database(prefix: str) -> str:
    """An empty database named ``t_<prefix>_<8 hex>``; returns its DSN."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", prefix):
        raise ValueError(f"database prefix {prefix!r}: use lower-case letters, digits and _")
    dsn = dsn_for(f"t_{prefix}_{secrets.token_hex(4)}")
    try:
        await ensure_database(dsn)
    except (Unavailable, OSError, asyncpg.PostgresError) as exc:
        _unreachable(exc)
    return dsn


async def fresh_database(prefix: str, *, migrated: bool = True, contexts: list[str] | None = None) -> str:
    """A new database with the migrations of ``contexts`` (default: auth and users) applied."""
    dsn = await create_database(prefix)
    if migrated:
        await migrate(dsn, contexts or CONTEXTS)
    return dsn


async def drop_database(dsn: str) -> None:
    name = urlsplit(dsn).path.lstrip("/")
    conn = await asyncpg.connect(maintenance_dsn(dsn))
    try:
        statement = await conn.fetchval(
            "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', $1::text)", unquote(name)
        )
        await conn.execute(statement)
    finally:
        await conn.close()


async def truncate_statement(pool: asyncpg.Pool) -> str:
    """One TRUNCATE of every table the migrations made (not their ledger), for cleaning between tests."""
    tables = await pool.fetchval(
        """
        SELECT string_agg(format('%I.%I', schemaname, tablename), ', ' ORDER BY schemaname, tablename)
        FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> 'schema_migrations'
        """
    )
    return f"TRUNCATE {tables} RESTART IDENTITY"


@contextlib.asynccontextmanager
async def scratch_pool(prefix: str, contexts: list[str] | None = None) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a fresh database migrated for ``contexts`` (default: auth and users), dropped afterwards."""
    dsn = await fresh_database(prefix, contexts=contexts)
    pool = await create_pool(dsn, 2, 10, 10.0)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_database(dsn)


async def outbox_envelopes(pool: asyncpg.Pool) -> list[EventEnvelope]:
    """Every event committed to the database's outbox, oldest first (what a contract test checks)."""
    rows = await pool.fetch("SELECT event_id, type, key, occurred_at, payload FROM outbox ORDER BY id")
    return [
        EventEnvelope(
            id=r["event_id"], type=r["type"], occurred_at=r["occurred_at"], key=r["key"], payload=r["payload"]
        )
        for r in rows
    ]
