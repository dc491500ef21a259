"""The SessionStore contract, against the memory adapter and the Redis adapter.

Both are driven by a ManualClock: "expired" is judged by the injected clock, so moving it expires a
session at once in either store. The Redis-only tests at the end check what the clock cannot show:
that Redis itself drops a session when its time is up, and that the index stays clean.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import attrs
import pytest
import redis.asyncio as aioredis

from adapters.memory.auth import MemorySessionStore
from adapters.memory.clock import ManualClock
from adapters.redis.sessions import RedisSessionStore, index_key, session_key
from core.auth.model import Session, session_id_of
from core.shared.security import Role
from ports.auth import SessionStore
from tests.support.redis import scratch_redis

# Microseconds on purpose: a stored session must come back to the microsecond.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.infra)])
async def store(request: pytest.FixtureRequest, clock: ManualClock) -> AsyncIterator[SessionStore]:
    if request.param == "memory":
        yield MemorySessionStore(clock)
        return
    client = await scratch_redis()
    try:
        yield RedisSessionStore(client, clock)
    finally:
        await client.aclose()


def session(clock: ManualClock, name: str, user_id: str = "alice", *, lasts: float = 3600) -> Session:
    now = clock.now()
    return Session(
        id=session_id_of(f"token-{name}"),
        user_id=user_id,
        created_at=now,
        expires_at=now + timedelta(seconds=lasts),
        address="203.0.113.7",
        user_agent=f"Mozilla/5.0 ({name}) — ünïcode",
    )


def ids(sessions: list[Session]) -> set[str]:
    return {s.id for s in sessions}


async def test_a_stored_session_comes_back_whole(store: SessionStore, clock: ManualClock) -> None:
    laptop = session(clock, "laptop")
    await store.add(laptop)

    assert await store.get(laptop.id) == laptop


async def test_an_unknown_session_is_none(store: SessionStore) -> None:
    assert await store.get(session_id_of("never-issued")) is None


async def test_a_removed_session_is_revoked(store: SessionStore, clock: ManualClock) -> None:
    laptop, phone = session(clock, "laptop"), session(clock, "phone")
    await store.add(laptop)
    await store.add(phone)

    await store.remove(laptop.id)

    assert await store.get(laptop.id) is None
    assert await store.get(phone.id) == phone
    assert await store.list_for_user("alice") == [phone]
    await store.remove(laptop.id)  # twice: no error
    await store.remove(session_id_of("never-issued"))


async def test_a_session_is_gone_once_the_clock_reaches_its_expiry(store: SessionStore, clock: ManualClock) -> None:
    laptop = session(clock, "laptop", lasts=60)
    await store.add(laptop)

    clock.advance(59.999)
    assert await store.get(laptop.id) == laptop

    clock.advance(0.001)  # now == expires_at: over
    assert await store.get(laptop.id) is None
    assert await store.list_for_user("alice") == []


@pytest.mark.parametrize("lasts", [0, -1], ids=["expiring-now", "expired"])
async def test_a_session_over_when_added_is_never_live(store: SessionStore, clock: ManualClock, lasts: float) -> None:
    late = session(clock, "late", lasts=lasts)
    await store.add(late)

    assert await store.get(late.id) is None
    assert await store.list_for_user("alice") == []


async def test_remove_all_keeps_the_given_session_and_revokes_the_others_of_that_user(
    store: SessionStore, clock: ManualClock
) -> None:
    laptop, phone, tablet = session(clock, "laptop"), session(clock, "phone"), session(clock, "tablet")
    bobs = session(clock, "bob", user_id="bob")
    for s in (laptop, phone, tablet, bobs):
        await store.add(s)

    assert await store.remove_all("alice", keep=phone.id) == 2

    assert await store.get(laptop.id) is None
    assert await store.get(tablet.id) is None
    assert await store.get(phone.id) == phone
    assert await store.list_for_user("alice") == [phone]
    assert await store.get(bobs.id) == bobs
    assert await store.list_for_user("bob") == [bobs]


async def test_remove_all_without_keep_revokes_every_session_of_the_user(
    store: SessionStore, clock: ManualClock
) -> None:
    laptop, phone = session(clock, "laptop"), session(clock, "phone")
    bobs = session(clock, "bob", user_id="bob")
    for s in (laptop, phone, bobs):
        await store.add(s)

    assert await store.remove_all("alice") == 2

    assert await store.get(laptop.id) is None
    assert await store.get(phone.id) is None
    assert await store.list_for_user("alice") == []
    assert await store.remove_all("alice") == 0
    assert await store.remove_all("nobody") == 0
    assert await store.get(bobs.id) == bobs


async def test_remove_all_keeping_a_session_of_someone_else_revokes_them_all(
    store: SessionStore, clock: ManualClock
) -> None:
    laptop, bobs = session(clock, "laptop"), session(clock, "bob", user_id="bob")
    await store.add(laptop)
    await store.add(bobs)

    assert await store.remove_all("alice", keep=bobs.id) == 1

    assert await store.get(laptop.id) is None
    assert await store.get(bobs.id) == bobs


async def test_remove_all_counts_only_the_sessions_that_were_still_live(
    store: SessionStore, clock: ManualClock
) -> None:
    short, long = session(clock, "short", lasts=60), session(clock, "long", lasts=3600)
    await store.add(short)
    await store.add(long)
    clock.advance(120)

    assert await store.remove_all("alice") == 1
    assert await store.list_for_user("alice") == []


async def test_list_for_user_gives_that_users_live_sessions_only(store: SessionStore, clock: ManualClock) -> None:
    short, long = session(clock, "short", lasts=60), session(clock, "long", lasts=3600)
    other = session(clock, "other", lasts=7200)
    bobs = session(clock, "bob", user_id="bob")
    for s in (short, long, other, bobs):
        await store.add(s)
    assert ids(await store.list_for_user("alice")) == {short.id, long.id, other.id}

    clock.advance(120)

    alices = await store.list_for_user("alice")
    assert ids(alices) == {long.id, other.id}
    assert sorted(alices, key=lambda s: s.expires_at) == [long, other]
    assert await store.list_for_user("bob") == [bobs]
    assert await store.list_for_user("nobody") == []


# ------------------------------------------------------------------------------------------------------
# Redis only: what Redis itself keeps.


@pytest.fixture
def redis_store(redis_db: aioredis.Redis, clock: ManualClock) -> RedisSessionStore:
    return RedisSessionStore(redis_db, clock)


def micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


@pytest.mark.infra
async def test_redis_keeps_a_session_for_exactly_the_time_it_has_left(
    redis_store: RedisSessionStore, redis_db: aioredis.Redis, clock: ManualClock
) -> None:
    laptop = session(clock, "laptop", lasts=600)
    clock.advance(100)  # added a while after it was issued: 500 s left, not 600
    await redis_store.add(laptop)

    assert 499_000 < await redis_db.pttl(session_key(laptop.id)) <= 500_000
    assert 499_000 < await redis_db.pttl(index_key("alice")) <= 500_000
    assert await redis_db.zscore(index_key("alice"), laptop.id) == micros(laptop.expires_at)


@pytest.mark.infra
async def test_redis_keeps_the_index_as_long_as_the_longest_session(
    redis_store: RedisSessionStore, redis_db: aioredis.Redis, clock: ManualClock
) -> None:
    await redis_store.add(session(clock, "long", lasts=3600))
    await redis_store.add(session(clock, "short", lasts=60))
    assert 3_599_000 < await redis_db.pttl(index_key("alice")) <= 3_600_000  # not shortened

    await redis_store.add(session(clock, "longer", lasts=7200))
    assert 7_199_000 < await redis_db.pttl(index_key("alice")) <= 7_200_000  # lengthened


@pytest.mark.infra
async def test_redis_stores_nothing_for_a_session_already_over(
    redis_store: RedisSessionStore, redis_db: aioredis.Redis, clock: ManualClock
) -> None:
    await redis_store.add(session(clock, "late", lasts=-1))

    assert await redis_db.dbsize() == 0


@pytest.mark.infra
async def test_redis_trims_expired_and_removed_sessions_from_the_index(
    redis_store: RedisSessionStore, redis_db: aioredis.Redis, clock: ManualClock
) -> None:
    short, long = session(clock, "short", lasts=60), session(clock, "long", lasts=3600)
    removed = session(clock, "removed")
    for s in (short, long, removed):
        await redis_store.add(s)

    await redis_store.remove(removed.id)
    assert set(await redis_db.zrange(index_key("alice"), 0, -1)) == {short.id, long.id}

    clock.advance(120)
    fresh = session(clock, "fresh")
    await redis_store.add(fresh)  # a write trims what expired
    assert set(await redis_db.zrange(index_key("alice"), 0, -1)) == {long.id, fresh.id}

    await redis_db.delete(session_key(long.id))  # dropped behind the index's back
    assert await redis_store.list_for_user("alice") == [fresh]  # a read trims what is gone
    assert await redis_db.zrange(index_key("alice"), 0, -1) == [fresh.id]


@pytest.mark.infra
async def test_redis_drops_a_session_by_itself_when_its_time_is_up(
    redis_store: RedisSessionStore, redis_db: aioredis.Redis, clock: ManualClock
) -> None:
    brief = session(clock, "brief", lasts=1)
    await redis_store.add(brief)
    assert await redis_store.get(brief.id) == brief

    await asyncio.sleep(1.2)  # the clock stays put: only Redis's own expiry can remove it

    assert await redis_db.exists(session_key(brief.id), index_key("alice")) == 0
    assert await redis_store.get(brief.id) is None
    assert await redis_store.list_for_user("alice") == []


async def test_a_session_keeps_the_roles_it_was_given(store: SessionStore, clock: ManualClock) -> None:
    laptop = attrs.evolve(session(clock, "laptop"), roles=frozenset({Role.CUSTOMER, Role.SELLER}))
    await store.add(laptop)

    assert await store.get(laptop.id) == laptop


async def test_changed_roles_reach_every_live_session_of_the_user_and_no_other(
    store: SessionStore, clock: ManualClock
) -> None:
    customer = frozenset({Role.CUSTOMER})
    laptop, phone = session(clock, "laptop", lasts=3600), session(clock, "phone", lasts=60)
    bob = session(clock, "bob", "bob")
    for s in (laptop, phone, bob):
        await store.add(attrs.evolve(s, roles=customer))

    await store.change_roles("alice", frozenset({Role.CUSTOMER, Role.ADMIN}))
    clock.advance(30)

    for mine in (laptop, phone):
        stored = await store.get(mine.id)
        assert stored is not None
        assert stored.roles == {Role.CUSTOMER, Role.ADMIN}
        assert stored.expires_at == mine.expires_at
    bobs = await store.get(bob.id)
    assert bobs is not None
    assert bobs.roles == customer
    clock.advance(31)
    assert await store.get(phone.id) is None  # its own expiry still holds


async def test_changing_roles_brings_no_removed_session_back(store: SessionStore, clock: ManualClock) -> None:
    laptop = attrs.evolve(session(clock, "laptop"), roles=frozenset({Role.CUSTOMER}))
    await store.add(laptop)
    await store.remove(laptop.id)

    await store.change_roles("alice", frozenset({Role.CUSTOMER, Role.SELLER}))

    assert await store.get(laptop.id) is None
    assert await store.list_for_user("alice") == []
