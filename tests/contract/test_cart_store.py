"""The CartStore contract, against the memory adapter and the Redis adapter (Redis database 13).

Guest-cart expiry is real time in both stores (Redis's own key expiry; a monotonic clock in memory), so
the expiry tests use a 1-second time to live and wait for it. The Redis-only tests at the end check the
hash itself: one field per product, the TTL of a guest cart and none on a user's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from adapters.memory.cart import MemoryCartStore
from adapters.redis.cart import RedisCartStore, cart_key
from core.cart.model import Cart, guest_cart_id, user_cart_id
from ports.cart import CartStore
from tests.support.redis import scratch_redis

CART_DB = 13
TTL = 3600
# Microseconds on purpose: the last change must come back to the microsecond.
NOW = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
P1, P2, P3 = (f"0190a000-0000-7000-8000-00000000000{i}" for i in (1, 2, 3))

MakeStore = Callable[[int], Awaitable[CartStore]]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.infra)])
async def make_store(request: pytest.FixtureRequest) -> AsyncIterator[MakeStore]:
    """``await make_store(ttl)``: an empty store whose guest carts live ``ttl`` seconds."""
    if request.param == "memory":

        async def memory(ttl: int) -> CartStore:
            return MemoryCartStore(ttl)

        yield memory
        return
    client = await scratch_redis(CART_DB)

    async def redis(ttl: int) -> CartStore:
        return RedisCartStore(client, ttl)

    try:
        yield redis
    finally:
        await client.aclose()


@pytest.fixture
async def store(make_store: MakeStore) -> CartStore:
    return await make_store(TTL)


def guest(name: str = "token-1", **lines: int) -> Cart:
    return Cart(guest_cart_id(name), dict(lines), updated_at=NOW)


def users(user_id: str = "ann", lines: dict[str, int] | None = None) -> Cart:
    return Cart(user_cart_id(user_id), dict(lines or {}), updated_at=NOW)


async def test_an_unknown_cart_is_none(store: CartStore) -> None:
    assert await store.get(user_cart_id("nobody")) is None
    assert await store.get(guest_cart_id("never-issued")) is None


async def test_a_saved_cart_comes_back_whole_with_its_version_moved_on(store: CartStore) -> None:
    cart = users(lines={P1: 2, P2: 99})
    cart.notes = ["1 product from your guest cart reached the limit of 99 units per line — ünïcode"]

    assert await store.save(cart)

    assert cart.version == 1
    assert await store.get(cart.id) == cart


async def test_an_empty_cart_is_still_a_cart(store: CartStore) -> None:
    empty = guest()
    assert await store.save(empty)

    assert await store.get(empty.id) == empty

    stored = await store.get(empty.id)
    assert stored is not None
    stored.add(P1, 1, NOW)
    assert await store.save(stored)
    stored.clear(NOW)
    assert await store.save(stored)
    assert await store.get(empty.id) == Cart(empty.id, {}, [], NOW, version=3)


async def test_a_save_from_a_stale_read_is_refused_and_changes_nothing(store: CartStore) -> None:
    assert await store.save(users(lines={P1: 1}))
    first, second = await store.get(user_cart_id("ann")), await store.get(user_cart_id("ann"))
    assert first is not None
    assert second is not None
    first.add(P2, 1, NOW)
    second.add(P3, 1, NOW)

    assert await store.save(first)
    assert not await store.save(second)

    assert second.version == 1  # not moved on: the caller reads again and redoes its change
    stored = await store.get(user_cart_id("ann"))
    assert stored is not None
    assert stored.lines == {P1: 1, P2: 1}
    assert stored.version == 2


async def test_a_new_cart_cannot_overwrite_a_stored_one(store: CartStore) -> None:
    assert await store.save(users(lines={P1: 1}))

    assert not await store.save(users(lines={P2: 5}))

    stored = await store.get(user_cart_id("ann"))
    assert stored is not None
    assert stored.lines == {P1: 1}


async def test_a_save_can_discard_a_merged_cart_in_the_same_step(store: CartStore) -> None:
    merged, other = guest("merged", **{P1: 2}), guest("other", **{P2: 1})
    assert await store.save(merged)
    assert await store.save(other)
    mine = users(lines={P3: 1})

    assert await store.save(mine, discard=merged.id)

    assert await store.get(merged.id) is None
    assert await store.get(other.id) == other
    assert await store.get(mine.id) == mine
    assert await store.save(mine, discard=guest_cart_id("already-gone"))


async def test_a_refused_save_discards_nothing(store: CartStore) -> None:
    merged = guest("merged", **{P1: 2})
    assert await store.save(merged)
    assert await store.save(users(lines={P3: 1}))

    assert not await store.save(users(lines={P1: 2}), discard=merged.id)

    assert await store.get(merged.id) == merged


async def test_a_deleted_cart_is_gone(store: CartStore) -> None:
    mine, theirs = users("ann", {P1: 1}), users("bob", {P1: 1})
    assert await store.save(mine)
    assert await store.save(theirs)

    await store.delete(mine.id)
    await store.delete(mine.id)  # twice: no error

    assert await store.get(mine.id) is None
    assert await store.get(theirs.id) == theirs
    assert await store.save(users("ann", {P2: 1}))  # a new cart starts from version 0


async def test_a_guest_cart_expires_after_its_time_to_live_and_a_users_cart_does_not(make_store: MakeStore) -> None:
    store = await make_store(1)
    brief, mine = guest(**{P1: 1}), users(lines={P1: 1})
    assert await store.save(brief)
    assert await store.save(mine)

    await asyncio.sleep(1.3)

    assert await store.get(brief.id) is None
    assert await store.get(mine.id) == mine
    assert await store.save(guest(**{P2: 1}))  # what expired counts as never stored


async def test_each_save_starts_a_guest_carts_time_to_live_again(make_store: MakeStore) -> None:
    store = await make_store(2)
    cart = guest(**{P1: 1})
    assert await store.save(cart)

    await asyncio.sleep(1.2)
    cart.add(P2, 1, NOW)
    assert await store.save(cart)
    await asyncio.sleep(1.2)  # 2.4 s after it was made, 1.2 s after its last change

    assert await store.get(cart.id) == cart
    await asyncio.sleep(1.0)
    assert await store.get(cart.id) is None


# ------------------------------------------------------------------------------------------------------
# Redis only: the hash itself.


@pytest.fixture
async def redis_db() -> AsyncIterator[aioredis.Redis]:
    client = await scratch_redis(CART_DB)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.mark.infra
async def test_redis_keeps_one_hash_per_cart_with_a_field_per_product(redis_db: aioredis.Redis) -> None:
    store = RedisCartStore(redis_db, TTL)
    cart = users(lines={P1: 2, P2: 1})
    assert await store.save(cart)

    assert await redis_db.hgetall(cart_key(cart.id)) == {
        P1: "2",
        P2: "1",
        "@version": "1",
        "@updated_at": NOW.isoformat(),
    }


@pytest.mark.infra
async def test_redis_gives_guest_carts_the_ttl_and_users_carts_none(redis_db: aioredis.Redis) -> None:
    store = RedisCartStore(redis_db, TTL)
    cart, mine = guest(**{P1: 1}), users(lines={P1: 1})
    assert await store.save(cart)
    assert await store.save(mine)

    assert TTL - 2 <= await redis_db.ttl(cart_key(cart.id)) <= TTL
    assert await redis_db.ttl(cart_key(mine.id)) == -1  # no expiry
    assert "token-1" not in "".join(await redis_db.keys("*"))  # stored under a hash of the token
