"""The versioned save every repository with a ``version`` column uses: ``VersionedRows`` (PostgreSQL) and
``MemoryTransaction.put_versioned`` (memory) behave alike.

A thing (an id, a name and a version) is written by two writers who read the same version: the first
wins and bumps the version, the second gets ``ChangedMeanwhile`` by the end of its commit and changes
nothing. The six repositories' own suites check the same through their aggregates.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import attrs
import pytest

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.postgres.versioned import VersionedRows
from core.shared.errors import ChangedMeanwhile
from tests.support.postgres import scratch_pool

THINGS = VersionedRows("scratch.things", "thing", ("name",))


@attrs.define
class Thing:
    id: str
    name: str
    version: int


Write = Callable[[Thing, Callable[[], Awaitable[None]]], Awaitable[None]]


class MemoryThings:
    def __init__(self) -> None:
        self.table = MemoryTable("things")

    async def add(self, thing: Thing) -> None:
        self.table.rows[thing.id] = attrs.evolve(thing)

    async def read(self, thing_id: str) -> Thing | None:
        return MemoryTransaction().get(self.table, thing_id)

    async def write(self, thing: Thing, meanwhile: Callable[[], Awaitable[None]]) -> None:
        """Save ``thing`` and commit, running ``meanwhile`` between the save and the commit."""
        tx = MemoryTransaction()
        tx.put_versioned(self.table, thing.id, thing, "thing")
        await meanwhile()
        tx.apply()


class PostgresThings:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def add(self, thing: Thing) -> None:
        await self.pool.execute("INSERT INTO scratch.things VALUES ($1, $2, $3)", thing.id, thing.name, thing.version)

    async def read(self, thing_id: str) -> Thing | None:
        row = await self.pool.fetchrow("SELECT id, name, version FROM scratch.things WHERE id = $1", thing_id)
        return None if row is None else Thing(row["id"], row["name"], row["version"])

    async def write(self, thing: Thing, meanwhile: Callable[[], Awaitable[None]]) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            thing.version = await THINGS.save(conn, {"id": thing.id, "name": thing.name}, thing.version)
            await meanwhile()


@pytest.fixture(scope="module")
async def things_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("versioned_contract", contexts=[]) as pool:
        await pool.execute("CREATE SCHEMA scratch")
        await pool.execute(
            "CREATE TABLE scratch.things (id text PRIMARY KEY, name text NOT NULL, version int NOT NULL)"
        )
        yield pool


@pytest.fixture
async def clean_things_pool(things_pool: asyncpg.Pool) -> asyncpg.Pool:
    await things_pool.execute("TRUNCATE scratch.things")
    return things_pool


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.infra)])
def things(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        return MemoryThings()
    return PostgresThings(request.getfixturevalue("clean_things_pool"))


async def nothing() -> None:
    return None


async def test_a_save_at_the_version_read_stores_the_change_and_bumps_the_version(things: Any) -> None:
    await things.add(Thing("t-1", "first", 1))
    thing = await things.read("t-1")

    thing.name = "second"
    await things.write(thing, nothing)

    assert thing.version == 2
    assert await things.read("t-1") == Thing("t-1", "second", 2)


async def test_a_writer_who_read_an_older_version_changes_nothing(things: Any) -> None:
    await things.add(Thing("t-1", "first", 1))
    mine, theirs = await things.read("t-1"), await things.read("t-1")
    mine.name, theirs.name = "mine", "theirs"

    await things.write(mine, nothing)
    with pytest.raises(ChangedMeanwhile, match="this thing was changed meanwhile"):
        await things.write(theirs, nothing)

    assert await things.read("t-1") == Thing("t-1", "mine", 2)


async def test_of_two_writers_at_once_exactly_one_wins(things: Any) -> None:
    """Whoever wins (the first to lock the row on PostgreSQL, the first to commit in memory), the other
    changes nothing."""
    await things.add(Thing("t-1", "first", 1))
    mine, theirs = await things.read("t-1"), await things.read("t-1")
    mine.name, theirs.name = "mine", "theirs"
    second: list[asyncio.Task[None]] = []

    async def they_write_meanwhile() -> None:
        second.append(asyncio.get_running_loop().create_task(things.write(theirs, nothing)))
        await asyncio.sleep(0.05)  # on PostgreSQL their save waits for my row lock meanwhile

    outcomes = await asyncio.gather(things.write(mine, they_write_meanwhile), return_exceptions=True)
    outcomes += await asyncio.gather(second[0], return_exceptions=True)

    lost = [o for o in outcomes if isinstance(o, ChangedMeanwhile)]
    assert len(lost) == 1
    winner = theirs if outcomes[0] is lost[0] else mine
    assert await things.read("t-1") == Thing("t-1", winner.name, 2)


async def test_a_thing_that_is_gone_cannot_be_saved(things: Any) -> None:
    with pytest.raises(ChangedMeanwhile):
        await things.write(Thing("t-404", "ghost", 1), nothing)
