"""The BaseFeedStore contract, against the memory adapter and the Redis adapter.

Redis runs on database 11, not flushed: each test writes under a key prefix of its own and deletes its
keys afterwards, so it shares the server with anything else.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from adapters.memory.recommendations import MemoryBaseFeedStore
from adapters.redis.base_feed import GRACE_SECONDS, RedisBaseFeedStore
from adapters.redis.client import create_redis
from core.recommendations.model import BaseFeed, FeedKind, FeedList
from ports.recommendations import BaseFeedStore
from tests.support.redis import TIMEOUT_SECONDS, redis_url, with_db

REDIS_DB = 11
BUILT_AT = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
BEST, TOP = FeedKind.BEST_SELLERS, FeedKind.TOP_RATED


@pytest.fixture
async def redis_client() -> AsyncIterator[tuple[aioredis.Redis, str]]:
    """A client on database 11 and a key prefix no other test uses; the prefix's keys are dropped after."""
    url = with_db(redis_url(), REDIS_DB)
    client = create_redis(url, TIMEOUT_SECONDS)
    try:
        await client.ping()
    except (RedisConnectionError, RedisTimeoutError) as error:
        await client.aclose()
        pytest.fail(f"Redis does not answer at {url} ({error}): start it with `scripts/services up`", pytrace=False)
    prefix = f"test:base-feed:{secrets.token_hex(4)}"
    try:
        yield client, prefix
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.infra)])
def store(request: pytest.FixtureRequest) -> BaseFeedStore:
    if request.param == "memory":
        return MemoryBaseFeedStore()
    # Looked up here, so a memory-only run never touches Redis.
    client, prefix = request.getfixturevalue("redis_client")
    return RedisBaseFeedStore(client, prefix)


def feed(generation: int, *, categories: tuple[str, ...] = ("cat-1", "cat-2")) -> BaseFeed:
    """A feed whose every list names its generation, so a list read tells which feed it came from."""
    lists = [FeedList(BEST, None, (f"g{generation}-best-1", f"g{generation}-best-2"))]
    lists.append(FeedList(TOP, None, (f"g{generation}-top",)))
    lists += [FeedList(BEST, c, (f"g{generation}-{c}-a", f"g{generation}-{c}-b")) for c in categories]
    lists += [FeedList(TOP, c, (f"g{generation}-{c}-top",)) for c in categories]
    return BaseFeed(BUILT_AT + timedelta(minutes=generation), tuple(lists))


async def test_nothing_before_the_first_feed(store: BaseFeedStore) -> None:
    assert await store.list(BEST, None) is None
    assert await store.list(TOP, "cat-1") is None


async def test_each_list_comes_back_by_kind_and_category(store: BaseFeedStore) -> None:
    written = feed(1)
    await store.replace(written)

    for expected in written.lists:
        assert await store.list(expected.kind, expected.category_id) == expected
    assert await store.list(BEST, "cat-9") is None


async def test_an_empty_list_is_a_list(store: BaseFeedStore) -> None:
    await store.replace(BaseFeed(BUILT_AT, (FeedList(BEST, None, ()),)))

    assert await store.list(BEST, None) == FeedList(BEST, None, ())
    assert await store.list(TOP, None) is None


async def test_a_replace_replaces_the_whole_feed(store: BaseFeedStore) -> None:
    await store.replace(feed(1, categories=("cat-1", "cat-2")))
    second = feed(2, categories=("cat-2", "cat-3"))
    await store.replace(second)

    for expected in second.lists:
        assert await store.list(expected.kind, expected.category_id) == expected
    assert await store.list(BEST, "cat-1") is None  # absent from the new feed: gone
    assert await store.list(TOP, "cat-1") is None

    await store.replace(BaseFeed(BUILT_AT, ()))
    assert await store.list(BEST, None) is None


async def test_a_reader_never_sees_a_list_no_replace_wrote(store: BaseFeedStore) -> None:
    """Replaces and reads at once: every list read is the one of some feed written (never a blend), and a
    list only odd feeds have is either one of theirs or absent."""
    feeds = [feed(g, categories=("cat-1", "cat-odd") if g % 2 else ("cat-1",)) for g in range(1, 31)]
    written = {(f.kind, f.category_id, f.product_ids) for one in feeds for f in one.lists}
    await store.replace(feeds[0])
    replacing = True

    async def replace_all() -> None:
        nonlocal replacing
        for one in feeds[1:]:
            await store.replace(one)
            await asyncio.sleep(0)
        replacing = False

    async def read() -> list[tuple[FeedKind, str | None, FeedList | None]]:
        seen: list[tuple[FeedKind, str | None, FeedList | None]] = []
        while replacing:
            for kind, category_id in [(BEST, None), (TOP, "cat-1"), (BEST, "cat-odd")]:
                seen.append((kind, category_id, await store.list(kind, category_id)))
            await asyncio.sleep(0)
        return seen

    replacer = asyncio.create_task(replace_all())
    reads = await asyncio.gather(*(read() for _ in range(4)))
    await replacer

    found = [one for seen in reads for one in seen]
    assert len({got.product_ids for kind, category_id, got in found if got is not None and category_id is None}) > 2
    for kind, category_id, got in found:
        if got is None:
            assert category_id == "cat-odd"  # every feed has the others
        else:
            assert (got.kind, got.category_id) == (kind, category_id)
            assert (kind, category_id, got.product_ids) in written
    assert await store.list(BEST, None) == feeds[-1].lists[0]


# What the Redis adapter leaves behind


@pytest.mark.infra
async def test_redis_keeps_only_the_current_generation(redis_client: tuple[aioredis.Redis, str]) -> None:
    client, prefix = redis_client
    store = RedisBaseFeedStore(client, prefix)
    for generation in range(1, 4):
        await store.replace(feed(generation))

    current = await client.get(f"{prefix}:current")
    assert current is not None
    assert await client.ttl(store.generation_key(current)) == -1  # the current one stays
    replaced = [store.generation_key(str(g)) for g in range(1, 4) if str(g) != current]
    assert len(replaced) == 2
    for key in replaced:
        # A reader that read the old pointer just before the switch can still read the old generation.
        assert 0 < await client.ttl(key) <= GRACE_SECONDS


@pytest.mark.infra
async def test_redis_reader_of_an_expired_generation_reads_again(
    redis_client: tuple[aioredis.Redis, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, prefix = redis_client
    store = RedisBaseFeedStore(client, prefix)
    await store.replace(feed(1))
    await store.replace(feed(2))
    # The first generation expired: a reader still pointed at it (slower than the grace) reads again.
    await client.delete(store.generation_key("1"))
    await client.set(f"{prefix}:current", "1")
    reads = 0
    real_get = client.get

    async def get_then_switch(name: str) -> str | bytes | None:
        nonlocal reads
        reads += 1
        pointer = await real_get(name)
        if reads == 1:
            await client.set(f"{prefix}:current", "2")  # the switch the reader missed
        return pointer

    monkeypatch.setattr(client, "get", get_then_switch)
    assert await store.list(BEST, None) == feed(2).lists[0]
    assert reads == 2
