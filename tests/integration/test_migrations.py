"""Schema migrations: applied in order, once, refused when history was edited, safe to run concurrently."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from adapters.postgres.migrations import MIGRATIONS_ROOT, MigrationError, ensure_database, migrate
from tests.support.postgres import create_database, drop_database

pytestmark = pytest.mark.infra

EVERYTHING = [
    "shared/0001_outbox_inbox",
    "shared/0002_outbox_traceparent",
    "auth/0001_accounts",
    "users/0001_profiles_addresses",
]


@pytest.fixture
async def empty_dsn() -> AsyncIterator[str]:
    dsn = await create_database("migrations")
    try:
        yield dsn
    finally:
        await drop_database(dsn)


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    """The project's migration files, copied so a test may edit them."""
    for folder in MIGRATIONS_ROOT.glob("*/migrations"):
        shutil.copytree(folder, tmp_path / folder.parent.name / "migrations")
    return tmp_path


async def fetch(dsn: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def relations(dsn: str) -> set[str]:
    rows = await fetch(
        dsn,
        "SELECT schemaname || '.' || tablename AS name FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    return {r["name"] for r in rows}


async def test_migrate_applies_every_migration_in_order_and_then_nothing(empty_dsn: str) -> None:
    assert await migrate(empty_dsn, ["auth", "users"]) == EVERYTHING

    assert await relations(empty_dsn) == {
        "public.schema_migrations",
        "public.outbox",
        "public.inbox",
        "auth.accounts",
        "users.profiles",
        "users.addresses",
    }
    ledger = await fetch(empty_dsn, "SELECT * FROM schema_migrations ORDER BY applied_at, context")
    assert [(r["context"], r["version"], r["name"]) for r in ledger] == [
        ("shared", 1, "0001_outbox_inbox"),
        ("shared", 2, "0002_outbox_traceparent"),
        ("auth", 1, "0001_accounts"),
        ("users", 1, "0001_profiles_addresses"),
    ]
    assert all(len(r["checksum"]) == 64 and r["applied_at"] is not None for r in ledger)

    assert await migrate(empty_dsn, ["auth", "users"]) == []
    assert len(await fetch(empty_dsn, "SELECT * FROM schema_migrations")) == 4


async def test_only_the_contexts_asked_for_are_migrated(empty_dsn: str) -> None:
    assert await migrate(empty_dsn, ["auth"]) == [
        "shared/0001_outbox_inbox",
        "shared/0002_outbox_traceparent",
        "auth/0001_accounts",
    ]
    assert "users.profiles" not in await relations(empty_dsn)
    assert await migrate(empty_dsn, ["auth", "users"]) == ["users/0001_profiles_addresses"]


async def test_a_new_migration_file_is_applied_on_the_next_run(empty_dsn: str, migrations_copy: Path) -> None:
    await migrate(empty_dsn, ["auth", "users"], root=migrations_copy)
    (migrations_copy / "auth" / "migrations" / "0002_account_locale.sql").write_text(
        "ALTER TABLE auth.accounts ADD COLUMN locale text;\n"
    )

    assert await migrate(empty_dsn, ["auth", "users"], root=migrations_copy) == ["auth/0002_account_locale"]
    columns = await fetch(
        empty_dsn,
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'auth' AND column_name = 'locale'",
    )
    assert len(columns) == 1


async def test_an_applied_migration_whose_file_changed_is_refused(empty_dsn: str, migrations_copy: Path) -> None:
    await migrate(empty_dsn, ["auth", "users"], root=migrations_copy)
    applied = migrations_copy / "auth" / "migrations" / "0001_accounts.sql"
    applied.write_text(applied.read_text() + "\nCREATE INDEX accounts_created ON auth.accounts (created_at);\n")
    (migrations_copy / "users" / "migrations" / "0002_more.sql").write_text("CREATE TABLE users.more (id int);\n")

    with pytest.raises(MigrationError, match=r"auth/0001_accounts was changed after it was applied"):
        await migrate(empty_dsn, ["auth", "users"], root=migrations_copy)

    # Refused before anything ran: the new file was not applied either.
    assert "users.more" not in await relations(empty_dsn)


async def test_a_failing_migration_is_rolled_back_and_not_recorded(empty_dsn: str, migrations_copy: Path) -> None:
    (migrations_copy / "users" / "migrations" / "0002_broken.sql").write_text(
        "CREATE TABLE users.half_done (id int);\nALTER TABLE users.no_such_table ADD COLUMN x int;\n"
    )

    with pytest.raises(MigrationError, match=r"users/0002_broken failed"):
        await migrate(empty_dsn, ["auth", "users"], root=migrations_copy)

    assert "users.half_done" not in await relations(empty_dsn)
    names = [r["name"] for r in await fetch(empty_dsn, "SELECT name FROM schema_migrations")]
    assert sorted(names) == ["0001_accounts", "0001_outbox_inbox", "0001_profiles_addresses", "0002_outbox_traceparent"]


async def test_badly_named_files_and_unknown_contexts_are_refused(empty_dsn: str, migrations_copy: Path) -> None:
    with pytest.raises(MigrationError, match="no migrations folder"):
        await migrate(empty_dsn, ["auth", "nonexistent"], root=migrations_copy)
    (migrations_copy / "auth" / "migrations" / "2_oops.sql").write_text("SELECT 1;\n")
    with pytest.raises(MigrationError, match=r"NNNN_lower_case_name\.sql"):
        await migrate(empty_dsn, ["auth"], root=migrations_copy)


async def test_two_processes_migrating_at_once_take_turns(empty_dsn: str) -> None:
    first, second = await asyncio.gather(migrate(empty_dsn, ["auth", "users"]), migrate(empty_dsn, ["auth", "users"]))
    assert sorted([first, second], key=len) == [[], EVERYTHING]


async def test_ensure_database_creates_a_missing_database_once() -> None:
    probe = await create_database("ensure")
    await drop_database(probe)
    try:
        await ensure_database(probe)
        await ensure_database(probe)
        assert [dict(r) for r in await fetch(probe, "SELECT 1 AS one")] == [{"one": 1}]
    finally:
        await drop_database(probe)
