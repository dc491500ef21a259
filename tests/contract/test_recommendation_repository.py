"""The RecommendationsUnitOfWork contract (personal lists and the build queue), memory and PostgreSQL alike.

The recommendations database is its own (schema ``recommendations``), so this suite has its own scratch
database; every test runs once per adapter and sees only the ports, plus what was committed for
publication (the bus for memory, the outbox for PostgreSQL).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.recommendations import MemoryRecommendationsUnitOfWork, RecommendationsTables
from adapters.postgres.recommendations.repository import PostgresRecommendationsUnitOfWork
from core.recommendations.model import Build, PersonalList, Pick, Reason
from core.shared.events import EventEnvelope
from ports.recommendations import RecommendationsUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

# Microseconds on purpose: stored times (and the marks done compares) must come back exact.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
LEASE = timedelta(minutes=5)

UowFactory = Callable[[], RecommendationsUnitOfWork]
Committed = Callable[[], Awaitable[list[EventEnvelope]]]

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]


@pytest.fixture(scope="session")
async def recommendations_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("recommendations", contexts=["recommendations"]) as pool:
        yield pool


@pytest.fixture(scope="session")
async def recommendations_truncate(recommendations_pool: asyncpg.Pool) -> str:
    return await truncate_statement(recommendations_pool)


@pytest.fixture
async def clean_recommendations_pool(recommendations_pool: asyncpg.Pool, recommendations_truncate: str) -> asyncpg.Pool:
    await recommendations_pool.execute(recommendations_truncate)
    return recommendations_pool


class Backend:
    """A unit-of-work factory, as the container hands them out, and what its commits published."""

    def __init__(self, uow: UowFactory, committed: Committed) -> None:
        self.uow, self.committed = uow, committed


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        tables, bus = RecommendationsTables(), RecordingEventBus()

        async def delivered() -> list[EventEnvelope]:
            return list(bus.delivered)

        return Backend(lambda: MemoryRecommendationsUnitOfWork(tables, bus), delivered)
    # Looked up here, so a memory-only run never touches PostgreSQL.
    pool = request.getfixturevalue("clean_recommendations_pool")
    return Backend(lambda: PostgresRecommendationsUnitOfWork(pool), lambda: outbox_envelopes(pool))


@pytest.fixture
def uow(backend: Backend) -> UowFactory:
    return backend.uow


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


PICKS = (
    Pick("lamp", 0.9, Reason.BOUGHT_WITH, because_of="shade"),
    Pick("bulb", 0.5, Reason.VIEWED_WITH, because_of="lamp"),
    Pick("rug", 0.25, Reason.CATEGORY),
    Pick("kettle", 1.0, Reason.BRAND),
    Pick("chair", 0.125, Reason.POPULAR),
)


async def put(uow: UowFactory, personal: PersonalList) -> None:
    async with uow() as u:
        await u.lists.put(personal)
        await u.commit()


async def get_list(uow: UowFactory, user_id: str) -> PersonalList | None:
    async with uow() as u:
        return await u.lists.get(user_id)


async def mark(uow: UowFactory, user_id: str, due_at: datetime, now: datetime) -> None:
    async with uow() as u:
        await u.builds.mark(user_id, due_at, now)
        await u.commit()


async def take(uow: UowFactory, now: datetime, failed: bool = False, limit: int = 10) -> list[Build]:
    async with uow() as u:
        taken = await u.builds.take(now, failed, now + LEASE, limit)
        await u.commit()
    return taken


async def done(uow: UowFactory, build: Build) -> bool:
    async with uow() as u:
        forgotten = await u.builds.done(build)
        await u.commit()
    return forgotten


async def fail(uow: UowFactory, build: Build, error: str, retry_at: datetime) -> None:
    async with uow() as u:
        await u.builds.failed(build, error, retry_at)
        await u.commit()


async def get_build(uow: UowFactory, user_id: str) -> Build | None:
    async with uow() as u:
        return await u.builds.get(user_id)


# Personal lists


async def test_a_list_comes_back_whole(uow: UowFactory) -> None:
    await put(uow, PersonalList.built("ann", PICKS, START))
    await put(uow, PersonalList("bob", (), at(1), failed=True))

    assert await get_list(uow, "ann") == PersonalList("ann", PICKS, START)
    assert await get_list(uow, "bob") == PersonalList("bob", (), at(1), failed=True)
    assert await get_list(uow, "cid") is None


async def test_put_replaces_the_list(uow: UowFactory) -> None:
    await put(uow, PersonalList.built("ann", PICKS, START))
    await put(uow, PersonalList.built("ann", PICKS[:1], at(10)))

    assert await get_list(uow, "ann") == PersonalList("ann", PICKS[:1], at(10))


async def test_drop_forgets_the_list(uow: UowFactory) -> None:
    await put(uow, PersonalList.built("ann", PICKS, START))
    await put(uow, PersonalList.built("bob", PICKS, START))
    async with uow() as u:
        await u.lists.drop("ann")
        await u.lists.drop("nobody")
        await u.commit()

    assert await get_list(uow, "ann") is None
    assert await get_list(uow, "bob") is not None


async def test_built_before_lists_the_oldest_first(uow: UowFactory) -> None:
    for user_id, minute in [("dan", 3), ("ann", 1), ("cid", 1), ("bob", 0), ("eve", 5)]:
        await put(uow, PersonalList.built(user_id, PICKS, at(minute)))

    async with uow() as u:
        assert await u.lists.built_before(at(5), 10) == ["bob", "ann", "cid", "dan"]
        assert await u.lists.built_before(at(5), 2) == ["bob", "ann"]
        assert await u.lists.built_before(at(0), 10) == []


async def test_a_built_list_is_announced_on_commit_only(backend: Backend) -> None:
    async with backend.uow() as u:
        await u.lists.put(PersonalList.built("ann", PICKS, START))
        # no commit: rolled back
    assert await backend.committed() == []
    assert await get_list(backend.uow, "ann") is None

    await put(backend.uow, PersonalList.built("ann", PICKS, START))

    [event] = await backend.committed()
    assert (event.type, event.key, event.occurred_at) == ("recommendations.RecommendationsRefreshed.v1", "ann", START)
    assert event.payload == {"user_id": "ann", "size": len(PICKS)}


async def test_a_list_read_and_stored_again_announces_nothing(backend: Backend) -> None:
    await put(backend.uow, PersonalList.built("ann", PICKS, START))
    async with backend.uow() as u:
        personal = await u.lists.get("ann")
        assert personal is not None
        personal.failed = True
        await u.lists.put(personal)
        await u.commit()

    assert len(await backend.committed()) == 1
    assert await get_list(backend.uow, "ann") == PersonalList("ann", PICKS, START, failed=True)


# The build queue


async def test_a_marked_build_is_queued(uow: UowFactory) -> None:
    await mark(uow, "ann", at(5), START)

    assert await get_build(uow, "ann") == Build("ann", due_at=at(5), marked_at=START)
    assert await get_build(uow, "bob") is None


async def test_marking_again_keeps_the_earlier_due_time(uow: UowFactory) -> None:
    await mark(uow, "ann", at(5), START)
    await mark(uow, "ann", at(6), at(1))  # browsing on never postpones the build
    assert await get_build(uow, "ann") == Build("ann", due_at=at(5), marked_at=at(1))

    await mark(uow, "ann", at(3), at(2))  # a sooner one brings it forward
    assert await get_build(uow, "ann") == Build("ann", due_at=at(3), marked_at=at(2))


async def test_marking_a_failed_build_keeps_its_backoff(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)
    await fail(uow, build, "signals unavailable", at(30))

    await mark(uow, "ann", at(2), at(1))

    assert await get_build(uow, "ann") == Build(
        "ann", due_at=at(30), marked_at=at(1), attempts=1, last_error="signals unavailable"
    )


async def test_take_returns_due_builds_earliest_first(uow: UowFactory) -> None:
    await mark(uow, "dan", at(1), START)
    await mark(uow, "bob", at(2), START)
    await mark(uow, "ann", at(1), START)
    await mark(uow, "eve", at(9), START)  # not due yet

    taken = await take(uow, at(5), limit=2)
    assert [b.user_id for b in taken] == ["ann", "dan"]
    assert taken[0] == Build("ann", due_at=at(1), marked_at=START)
    assert [b.user_id for b in await take(uow, at(5))] == ["bob"]


async def test_a_taken_build_is_leased_until_the_lease_ends(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    assert [b.user_id for b in await take(uow, START)] == ["ann"]

    assert await take(uow, START + LEASE - timedelta(microseconds=1)) == []
    # The builder died: once its lease ends, another takes the build.
    assert [b.user_id for b in await take(uow, START + LEASE)] == ["ann"]


async def test_a_lease_not_committed_is_not_kept(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    async with uow() as u:
        assert len(await u.builds.take(START, False, START + LEASE, 10)) == 1
        # no commit: rolled back

    assert [b.user_id for b in await take(uow, START)] == ["ann"]


async def test_failed_builds_are_taken_apart(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    await mark(uow, "bob", START, START)
    [ann, _] = await take(uow, START)  # both leased until at(5)
    await fail(uow, ann, "boom", at(1))

    assert await take(uow, at(2)) == []  # bob is leased, and ann is the error worker's now
    [retried] = await take(uow, at(2), failed=True)
    assert retried == Build("ann", due_at=at(1), marked_at=START, attempts=1, last_error="boom")
    assert await take(uow, at(6), failed=True) == []  # leased again, until at(7)
    assert [b.user_id for b in await take(uow, at(6))] == ["bob"]


async def test_a_failed_build_waits_for_its_retry(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)
    await fail(uow, build, "boom", at(30))

    assert await take(uow, at(29), failed=True) == []
    [again] = await take(uow, at(30), failed=True)
    await fail(uow, again, "x" * 2000, at(90))

    failed = await get_build(uow, "ann")
    assert failed == Build("ann", due_at=at(90), marked_at=START, attempts=2, last_error="x" * 500)


async def test_done_forgets_the_build(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)

    assert await done(uow, build) is True
    assert await get_build(uow, "ann") is None
    assert await take(uow, at(60)) == []
    assert await done(uow, build) is True  # nothing left: nothing to build again


async def test_done_keeps_a_build_marked_again_meanwhile(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)
    await mark(uow, "ann", at(2), at(1))  # the shopper did something while the list was being built

    assert await done(uow, build) is False
    assert await get_build(uow, "ann") == Build("ann", due_at=START, marked_at=at(1))
    [again] = await take(uow, at(1))  # released: built again at once
    assert again.marked_at == at(1)
    assert await done(uow, again) is True


async def test_a_mark_at_the_same_instant_still_counts(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)
    await mark(uow, "ann", START, START)  # a clock that did not move (or went back) cannot hide the mark

    assert await done(uow, build) is False
    assert await get_build(uow, "ann") is not None


async def test_a_failed_build_that_then_works_is_forgotten(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)
    await fail(uow, build, "boom", at(1))
    [retried] = await take(uow, at(1), failed=True)

    assert await done(uow, retried) is True
    assert await get_build(uow, "ann") is None


async def test_a_retry_marked_again_goes_back_to_the_regular_builder(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)
    await fail(uow, build, "boom", at(1))
    [retried] = await take(uow, at(1), failed=True)
    await mark(uow, "ann", at(3), at(2))

    assert await done(uow, retried) is False  # the build worked: its failures are history
    kept = await get_build(uow, "ann")
    assert kept == Build("ann", due_at=at(1), marked_at=at(2))
    assert await take(uow, at(2), failed=True) == []
    assert [b.user_id for b in await take(uow, at(2))] == ["ann"]


async def test_forget_drops_the_build(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    await mark(uow, "bob", START, START)
    async with uow() as u:
        await u.builds.forget("ann")
        await u.builds.forget("nobody")
        await u.commit()

    assert await get_build(uow, "ann") is None
    assert [b.user_id for b in await take(uow, START)] == ["bob"]


async def test_a_forgotten_build_that_fails_is_not_brought_back(uow: UowFactory) -> None:
    await mark(uow, "ann", START, START)
    [build] = await take(uow, START)
    async with uow() as u:
        await u.builds.forget("ann")
        await u.commit()

    await fail(uow, build, "boom", at(1))

    assert await get_build(uow, "ann") is None


@pytest.mark.infra
async def test_postgres_builders_taking_at_once_share_nothing(clean_recommendations_pool: asyncpg.Pool) -> None:
    """SKIP LOCKED: a take that meets builds another take is leasing (not yet committed) passes them by."""
    pool = clean_recommendations_pool
    for user_id in ["ann", "bob", "cid"]:
        await mark(lambda: PostgresRecommendationsUnitOfWork(pool), user_id, START, START)

    async with PostgresRecommendationsUnitOfWork(pool) as first, PostgresRecommendationsUnitOfWork(pool) as second:
        one = await first.builds.take(START, False, START + LEASE, 2)
        two = await second.builds.take(START, False, START + LEASE, 2)
        await first.commit()
        await second.commit()

    assert [b.user_id for b in one] == ["ann", "bob"]
    assert [b.user_id for b in two] == ["cid"]
