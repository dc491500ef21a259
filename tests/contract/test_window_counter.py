"""The WindowCounter contract, against the memory adapter and the Redis adapter.

Windows are fixed and start at the first count. Time passes by hand for the memory counter (it takes
a ``monotonic`` callable) and for real for Redis, so the one test that lets a window end uses a
1-second window.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import attrs
import pytest
import redis.asyncio as aioredis

from adapters.memory.window_counter import MemoryWindowCounter
from adapters.redis.client import create_redis
from adapters.redis.window_counter import RedisWindowCounter
from ports.shared import WindowCounter
from tests.support.redis import TEST_DB, redis_url, scratch_redis, with_db

WINDOW = 60


class HandDrivenTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@attrs.define
class Counting:
    counter: WindowCounter
    hand: HandDrivenTime | None = None  # None: real time (Redis)

    async def let_pass(self, seconds: float) -> None:
        if self.hand is not None:
            self.hand.now += seconds
        else:
            await asyncio.sleep(seconds)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.infra)])
async def counting(request: pytest.FixtureRequest) -> AsyncIterator[Counting]:
    if request.param == "memory":
        hand = HandDrivenTime()
        yield Counting(MemoryWindowCounter(monotonic=hand), hand)
        return
    client = await scratch_redis()
    try:
        yield Counting(RedisWindowCounter(client))
    finally:
        await client.aclose()


@pytest.fixture
def counter(counting: Counting) -> WindowCounter:
    return counting.counter


async def test_failures_are_counted_within_the_window(counter: WindowCounter) -> None:
    assert await counter.add("login:account:a@example.com", WINDOW) == (1, WINDOW)

    count, left = await counter.add("login:account:a@example.com", WINDOW)
    assert count == 2
    assert WINDOW - 1 <= left <= WINDOW

    count, left = await counter.get("login:account:a@example.com")
    assert count == 2
    assert WINDOW - 1 <= left <= WINDOW


async def test_no_failures_means_no_window(counter: WindowCounter) -> None:
    assert await counter.get("login:account:nobody@example.com") == (0, 0)


async def test_later_failures_do_not_move_the_end_of_the_window(counter: WindowCounter) -> None:
    await counter.add("login:address:198.51.100.1", WINDOW)

    count, left = await counter.add("login:address:198.51.100.1", 10 * WINDOW)

    assert count == 2
    assert left <= WINDOW
    assert (await counter.get("login:address:198.51.100.1"))[1] <= WINDOW


async def test_seconds_left_is_never_zero(counter: WindowCounter) -> None:
    assert await counter.add("login:account:quick@example.com", 1) == (1, 1)
    assert await counter.get("login:account:quick@example.com") == (1, 1)


async def test_clear_starts_over(counter: WindowCounter) -> None:
    for _ in range(3):
        await counter.add("login:account:a@example.com", WINDOW)

    await counter.clear("login:account:a@example.com")

    assert await counter.get("login:account:a@example.com") == (0, 0)
    assert await counter.add("login:account:a@example.com", WINDOW) == (1, WINDOW)
    await counter.clear("login:account:never-failed@example.com")  # no error


async def test_each_key_has_its_own_count(counter: WindowCounter) -> None:
    await counter.add("login:account:a@example.com", WINDOW)
    await counter.add("login:account:a@example.com", WINDOW)

    assert await counter.add("login:account:b@example.com", WINDOW) == (1, WINDOW)
    assert (await counter.get("login:account:a@example.com"))[0] == 2

    await counter.clear("login:account:b@example.com")
    assert (await counter.get("login:account:a@example.com"))[0] == 2


async def test_a_window_that_ended_starts_again_at_1(counting: Counting) -> None:
    counter = counting.counter
    await counter.add("login:account:a@example.com", 1)
    assert (await counter.add("login:account:a@example.com", 1))[0] == 2

    await counting.let_pass(1.1)

    assert await counter.get("login:account:a@example.com") == (0, 0)
    assert await counter.add("login:account:a@example.com", 1) == (1, 1)


# ------------------------------------------------------------------------------------------------------
# Redis only: the key it writes.


@pytest.mark.infra
async def test_redis_keeps_the_count_under_window_prefix_for_the_window(redis_db: aioredis.Redis) -> None:
    await RedisWindowCounter(redis_db).add("login:account:a@example.com", WINDOW)

    key = "window:login:account:a@example.com"
    assert await redis_db.keys("*") == [key]
    assert await redis_db.get(key) == "1"
    assert (WINDOW - 1) * 1000 < await redis_db.pttl(key) <= WINDOW * 1000


@pytest.mark.infra
async def test_redis_refuses_a_window_shorter_than_a_second(redis_db: aioredis.Redis) -> None:
    with pytest.raises(ValueError, match="at least 1 second"):
        await RedisWindowCounter(redis_db).add("login:account:a@example.com", 0)
    assert await redis_db.dbsize() == 0


@pytest.mark.infra
async def test_redis_counters_of_two_processes_share_each_count(redis_db: aioredis.Redis) -> None:
    """Every `serve` process behind the balancer counts in the same key: a limit holds across them."""
    other = create_redis(with_db(redis_url(), TEST_DB), 5)  # a connection of its own, as another process has
    try:
        here, there = RedisWindowCounter(redis_db), RedisWindowCounter(other)
        await here.add("rate:checkout:user:ann", WINDOW)
        assert (await there.add("rate:checkout:user:ann", WINDOW))[0] == 2
        assert (await here.get("rate:checkout:user:ann"))[0] == 2
    finally:
        await other.aclose()
