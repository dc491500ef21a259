"""Plain SQL schema migrations, applied in order, each exactly once.

Files live beside the adapters that use the tables::

    adapters/postgres/shared/migrations/0001_outbox_inbox.sql     (outbox, inbox: every database has them)
    adapters/postgres/<context>/migrations/NNNN_<name>.sql         (a context's schema, named after it)

``migrate(dsn, contexts)`` applies the shared migrations, then each context's, each file in its own
transaction (so a file must not contain BEGIN or COMMIT), and records it in ``schema_migrations`` with a
checksum. A file already applied is never run again, and one whose content changed since is refused:
applied migrations are history, a change needs a new file. A PostgreSQL advisory lock makes concurrent
runs (two processes starting at once) take turns instead of colliding.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg
import attrs

from adapters.postgres.pool import describe, unavailable_on_failure

log = logging.getLogger(__name__)

MIGRATIONS_ROOT = Path(__file__).parent
SHARED = "shared"
# Any fixed number will do; it only has to be the same in every process that migrates.
_LOCK_KEY = 7_305_118_241_026_001
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_CONTEXT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS public.schema_migrations (
    context    text        NOT NULL,
    version    integer     NOT NULL,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    checksum   text        NOT NULL,
    PRIMARY KEY (context, version)
)
"""


class MigrationError(RuntimeError):
    """The migrations cannot be applied as they are; the message says which file and why."""


@attrs.frozen
class Migration:
    context: str
    version: int
    name: str
    sql: str = attrs.field(repr=False)
    checksum: str

    @property
    def label(self) -> str:
        return f"{self.context}/{self.name}"


def discover(context: str, root: Path = MIGRATIONS_ROOT) -> list[Migration]:
    """The migrations of ``context`` in version order (``shared`` for the outbox and inbox)."""
    if not _CONTEXT_NAME.match(context):
        raise MigrationError(f"{context!r} is not a context name")
    folder = root / context / "migrations"
    if not folder.is_dir():
        raise MigrationError(f"context {context!r} has no migrations folder at {folder}")
    found: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path}: a migration file is named NNNN_lower_case_name.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"{path}: version {version} is used twice in {folder}")
        raw = path.read_bytes()
        found[version] = Migration(
            context=context,
            version=version,
            name=path.stem,
            sql=raw.decode("utf-8"),
            checksum=hashlib.sha256(raw).hexdigest(),
        )
    return [found[v] for v in sorted(found)]


def plan(contexts: list[str], root: Path = MIGRATIONS_ROOT) -> list[Migration]:
    """Every migration a database holding ``contexts`` needs, in the order they apply."""
    ordered = [SHARED] + [c for i, c in enumerate(contexts) if c != SHARED and c not in contexts[:i]]
    return [m for context in ordered for m in discover(context, root)]


def _check_unchanged(wanted: list[Migration], applied: dict[tuple[str, int], tuple[str, str]]) -> None:
    for m in wanted:
        recorded = applied.get((m.context, m.version))
        if recorded is None:
            continue
        name, checksum = recorded
        if name != m.name or checksum != m.checksum:
            raise MigrationError(
                f"migration {m.label} was changed after it was applied (applied as {m.context}/{name}, "
                f"checksum {checksum[:12]}, the file now has {m.checksum[:12]}): applied migrations must "
                "not be edited; restore the file and put the change in a new migration"
            )


async def migrate(dsn: str, contexts: list[str], *, root: Path = MIGRATIONS_ROOT) -> list[str]:
    """Apply what is missing; return the migrations applied now (``auth/0001_accounts``...)."""
    wanted = plan(contexts, root)
    with unavailable_on_failure(f"cannot migrate PostgreSQL at {describe(dsn)}"):
        conn = await asyncpg.connect(dsn)
    try:
        # A session lock, held across the per-file transactions, released explicitly (and by close).
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        try:
            return await _apply(conn, wanted)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    finally:
        await conn.close()


async def _apply(conn: asyncpg.Connection, wanted: list[Migration]) -> list[str]:
    await conn.execute(_CREATE_LEDGER)
    rows = await conn.fetch("SELECT context, version, name, checksum FROM public.schema_migrations")
    applied = {(r["context"], r["version"]): (r["name"], r["checksum"]) for r in rows}
    _check_unchanged(wanted, applied)
    done: list[str] = []
    for m in wanted:
        if (m.context, m.version) in applied:
            continue
        try:
            async with conn.transaction():
                await conn.execute(m.sql)
                await conn.execute(
                    "INSERT INTO public.schema_migrations (context, version, name, checksum) VALUES ($1, $2, $3, $4)",
                    m.context,
                    m.version,
                    m.name,
                    m.checksum,
                )
        except asyncpg.PostgresError as exc:
            raise MigrationError(f"migration {m.label} failed and was rolled back: {exc}") from exc
        log.info("applied migration %s", m.label)
        done.append(m.label)
    return done


def _database_name(dsn: str) -> str:
    name = unquote(urlsplit(dsn).path.lstrip("/"))
    if not name:
        raise ValueError(f"the DSN {describe(dsn)} names no database")
    return name


def maintenance_dsn(dsn: str) -> str:
    """The same server and credentials, connected to the ``postgres`` maintenance database."""
    return urlunsplit(urlsplit(dsn)._replace(path="/postgres"))


async def ensure_database(dsn: str) -> None:
    """Create the database ``dsn`` names if the server does not have it yet."""
    name = _database_name(dsn)
    with unavailable_on_failure(f"PostgreSQL at {describe(dsn)} is unreachable"):
        conn = await asyncpg.connect(maintenance_dsn(dsn))
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return
        # CREATE DATABASE takes no parameters: the server quotes the identifier (%I) itself.
        statement = await conn.fetchval("SELECT format('CREATE DATABASE %I', $1::text)", name)
        try:
            await conn.execute(statement)
        except asyncpg.DuplicateDatabaseError:
            pass  # another process created it meanwhile
        else:
            log.info("created database %s", name)
    finally:
        await conn.close()
