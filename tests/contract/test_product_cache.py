"""The ProductCache contract, against the memory adapter and the Redis adapter; and what an outage of the
cache does to the shop: nothing but make it read the database.

Redis runs on database 12 (flushed before each test). The outage tests point a real Redis client at a
port where nothing listens.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.products import MemoryProductCache
from adapters.redis.client import create_redis
from adapters.redis.near_cache import NearCache
from adapters.redis.product_cache import PREFIX, RedisProductCache, card_key
from core.products import commands as c
from core.products import use_cases as uc
from core.shared.documents import render
from core.shared.errors import Unavailable
from core.shared.money import Money
from ports.products import ProductCache
from tests.support.events import RecordingEventBus
from tests.support.redis import redis_url, scratch_redis, with_db
from tests.unit.products.catalog_harness import ANN, CatalogApp

REDIS_DB = 12
TTL = 300
PUBLISHED_AT = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)


def card(product_id: str = "prod-1", title: str = "Espresso machine") -> c.PublicCard:
    return c.PublicCard(
        id=product_id,
        seller_id="seller-ann",
        title=title,
        description='Fifteen bars.\nünïcode — "quoted"',
        brand="Gaggia",
        category=c.CategoryRef("cat-2", "Coffee", ["Kitchen", "Coffee"]),
        attributes=[
            c.AttributeView("Colour", "text", "red"),
            c.AttributeView("Pressure", "number", 15),
            c.AttributeView("Weight", "number", 4.5),
            c.AttributeView("Frother", "boolean", True),
        ],
        price=Money(24900, "EUR"),
        available=3,
        in_stock=True,
        image_urls=["https://cdn.example/1.jpg"],
        published_at=PUBLISHED_AT,
        rating=c.CardRating(7, 4.29, [0, 1, 0, 2, 4]),
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(PUBLISHED_AT)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.infra)])
async def cache(request: pytest.FixtureRequest, clock: ManualClock) -> AsyncIterator[ProductCache]:
    if request.param == "memory":
        yield MemoryProductCache(clock, TTL)
        return
    client = await scratch_redis(REDIS_DB)
    try:
        yield RedisProductCache(client, TTL)
    finally:
        await client.aclose()


async def test_a_cached_card_comes_back_whole(cache: ProductCache) -> None:
    await cache.put(card())
    assert await cache.get("prod-1") == card()


async def test_a_card_never_cached_is_a_miss(cache: ProductCache) -> None:
    assert await cache.get("prod-1") is None


async def test_a_put_replaces_the_card(cache: ProductCache) -> None:
    await cache.put(card())
    await cache.put(card(title="Espresso machine Pro"))
    cached = await cache.get("prod-1")
    assert cached is not None
    assert cached.title == "Espresso machine Pro"


async def test_forgotten_cards_are_gone(cache: ProductCache) -> None:
    for n in range(3):
        await cache.put(card(f"prod-{n}"))

    await cache.forget(["prod-0", "prod-2", "prod-never-cached", "prod-0"])
    await cache.forget([])

    assert await cache.get("prod-0") is None
    assert await cache.get("prod-1") == card("prod-1")
    assert await cache.get("prod-2") is None


async def test_a_cached_card_is_a_copy(cache: ProductCache) -> None:
    original = card()
    await cache.put(original)
    original.image_urls.append("https://cdn.example/changed-after-put.jpg")
    cached = await cache.get("prod-1")
    assert cached is not None
    assert cached.image_urls == ["https://cdn.example/1.jpg"]


async def test_the_memory_cache_expires_a_card_after_its_ttl(clock: ManualClock) -> None:
    cache = MemoryProductCache(clock, TTL)
    await cache.put(card())
    clock.advance(TTL - 1)
    assert await cache.get("prod-1") == card()
    clock.advance(1)
    assert await cache.get("prod-1") is None


@pytest.mark.infra
async def test_redis_keeps_a_card_no_longer_than_its_ttl() -> None:
    client = await scratch_redis(REDIS_DB)
    try:
        await RedisProductCache(client, TTL).put(card())
        assert 0 < await client.ttl(card_key("prod-1")) <= TTL
    finally:
        await client.aclose()


@pytest.mark.infra
async def test_an_unreadable_entry_is_a_miss() -> None:
    client = await scratch_redis(REDIS_DB)
    try:
        await client.set(card_key("prod-1"), '{"id": "prod-1", "written by": "another version"}')
        assert await RedisProductCache(client, TTL).get("prod-1") is None
    finally:
        await client.aclose()


@pytest.mark.infra
async def test_a_card_cached_before_cards_had_ratings_is_never_served() -> None:
    client = await scratch_redis(REDIS_DB)
    try:
        old = render(card()).content.replace(b',"rating":{"count":7,"average":4.29,"stars":[0,1,0,2,4]}', b"")
        assert b"rating" not in old
        await client.set("product_card:v2:prod-1", old)  # the shape the previous version wrote
        cache = RedisProductCache(client, TTL)
        assert (await cache.get_document("prod-1"), await cache.get("prod-1")) == (None, None)
    finally:
        await client.aclose()


# An outage


def closed_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def dead_redis() -> AsyncIterator[aioredis.Redis]:
    client = create_redis(f"redis://127.0.0.1:{closed_port()}/{REDIS_DB}", 0.5)
    try:
        yield client
    finally:
        await client.aclose()


async def test_a_cache_that_does_not_answer_is_unavailable(dead_redis: aioredis.Redis) -> None:
    cache = RedisProductCache(dead_redis, TTL)
    with pytest.raises(Unavailable):
        await cache.get("prod-1")
    with pytest.raises(Unavailable):
        await cache.put(card())
    with pytest.raises(Unavailable):
        await cache.forget(["prod-1"])


async def test_the_shop_reads_the_database_while_redis_is_down(dead_redis: aioredis.Redis) -> None:
    catalog = CatalogApp(ManualClock(PUBLISHED_AT), SequentialIds(), RecordingEventBus())
    down = RedisProductCache(dead_redis, TTL)
    kitchen = await catalog.category("Kitchen")
    listed = await catalog.published(kitchen)
    show = uc.ShowPublicCard(uc.CatalogShopCards(catalog.uow, catalog.stock, catalog.images), down, catalog.ratings)
    archive = uc.ArchiveProductCard(catalog.uow, down, catalog.clock)

    shown = await show(c.GetProduct(listed.id))
    archived = await archive(c.ArchiveProduct(ANN, listed.id))

    assert (shown.id, shown.title, shown.category.path) == (listed.id, "Espresso machine", ["Kitchen"])
    assert archived.published_revision is None


# A near cache in front of Redis: each process keeps copies, which Redis keeps coherent (client tracking)


class CountedReads:
    """Counts the commands a cache sends to Redis."""

    def __init__(self, cache: RedisProductCache) -> None:
        self.sent = 0
        send = cache.redis.execute_command

        async def counted(*args: object, **options: object) -> object:
            self.sent += 1
            return await send(*args, **options)

        cache.redis.execute_command = counted  # type: ignore[method-assign]


@pytest.fixture
async def two_processes() -> AsyncIterator[tuple[RedisProductCache, RedisProductCache]]:
    """The card caches of two shop processes on one Redis, each with its own client and near cache."""
    clients = [await scratch_redis(REDIS_DB) for _ in range(2)]
    nears = [NearCache(with_db(redis_url(), REDIS_DB), PREFIX, 100, TTL) for _ in range(2)]
    try:
        for near in nears:
            await near.wait_live()
        yield RedisProductCache(clients[0], TTL, nears[0]), RedisProductCache(clients[1], TTL, nears[1])
    finally:
        for near in nears:
            await near.close()
        for client in clients:
            await client.aclose()


@pytest.mark.infra
async def test_a_card_read_again_costs_no_round_trip(two_processes: tuple[RedisProductCache, ...]) -> None:
    writer, reader = two_processes
    await writer.put(card())
    reads = CountedReads(reader)

    first, second = await reader.get_document("prod-1"), await reader.get_document("prod-1")

    assert first == second == render(card())
    assert reads.sent == 1


@pytest.mark.infra
async def test_a_change_through_another_process_is_seen_by_the_next_read(
    two_processes: tuple[RedisProductCache, ...],
) -> None:
    writer, reader = two_processes
    await writer.put(card())
    assert await reader.get("prod-1") == card()  # now kept by the reader

    await writer.put(card(title="Espresso machine Pro"))
    changed = await reader.get("prod-1")
    await writer.forget(["prod-1"])
    gone = await reader.get("prod-1")

    assert changed is not None
    assert changed.title == "Espresso machine Pro"
    assert gone is None


@pytest.mark.infra
async def test_a_card_that_changed_while_it_was_read_is_not_kept(
    two_processes: tuple[RedisProductCache, ...],
) -> None:
    writer, reader = two_processes
    near = reader.near
    assert near is not None
    await writer.put(card())
    before = near.version
    stale = await reader.redis.get(card_key("prod-1"))
    await writer.put(card(title="Espresso machine Pro"))  # lands while the read above is "in flight"
    for _ in range(100):  # the invalidation travels on the tracking connection
        if near.version != before:
            break
        await asyncio.sleep(0.01)

    near.keep(card_key("prod-1"), stale.encode(), before)

    assert near.get(card_key("prod-1")) is None
    cached = await reader.get("prod-1")
    assert cached is not None
    assert cached.title == "Espresso machine Pro"


@pytest.mark.infra
async def test_without_its_tracking_connection_a_process_reads_redis(
    two_processes: tuple[RedisProductCache, ...],
) -> None:
    writer, reader = two_processes
    near = reader.near
    assert near is not None
    await writer.put(card())
    await reader.get_document("prod-1")  # kept
    reads = CountedReads(reader)

    await writer.redis.execute_command("CLIENT", "KILL", "ID", str(near.client_id))
    for _ in range(100):
        if not near.live:
            break
        await asyncio.sleep(0.01)
    await writer.put(card(title="Espresso machine Pro"))
    while_down = await reader.get("prod-1")
    await near.wait_live()
    await reader.get_document("prod-1")
    await reader.get_document("prod-1")

    assert while_down is not None
    assert while_down.title == "Espresso machine Pro"
    assert reads.sent == 2  # the read while it was down, and the first after: the second was a copy again
