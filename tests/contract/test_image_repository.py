"""The ImageRepository, MediaUnitOfWork and ProductImages contract, memory and PostgreSQL alike.

Images live in the products database, so this suite has its own scratch database (migrated for the
``products`` context) rather than the one tests/contract/conftest.py makes for the users database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.product_media import MediaTables, MemoryMediaUnitOfWork, MemoryProductImages
from adapters.postgres.products.media import PostgresMediaUnitOfWork, PostgresProductImages
from core.products.events import ProductImagesChanged
from core.products.media import ImageStatus, MediaPolicy, ProductImage
from core.shared.errors import Conflict
from core.shared.events import EventEnvelope
from ports.catalog import ProductImages
from ports.product_media import MediaUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
ANN = "00000000-0000-7000-8000-000000000a22"
LAMP, DESK = "00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b"
POLICY = MediaPolicy(cdn_base_url="https://cdn.example.com/media/")

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]


class MemoryMedia:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = MediaTables()
        self.images: ProductImages = MemoryProductImages(self.tables, POLICY)

    def uow(self) -> MediaUnitOfWork:
        return MemoryMediaUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresMedia:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.images: ProductImages = PostgresProductImages(pool, POLICY)

    def uow(self) -> MediaUnitOfWork:
        return PostgresMediaUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="module")
async def media_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("media_contract", contexts=["products"]) as pool:
        yield pool


@pytest.fixture
async def clean_media_pool(media_pool: asyncpg.Pool) -> asyncpg.Pool:
    await media_pool.execute(await truncate_statement(media_pool))
    return media_pool


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> MemoryMedia | PostgresMedia:
    if request.param == "memory":
        return MemoryMedia()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresMedia(request.getfixturevalue("clean_media_pool"))


@pytest.fixture
def uow(backend: MemoryMedia | PostgresMedia) -> Callable[[], MediaUnitOfWork]:
    return backend.uow


@pytest.fixture
def committed_events(backend: MemoryMedia | PostgresMedia) -> Callable[[], Awaitable[list[EventEnvelope]]]:
    return backend.committed_events


def image(number: int, product_id: str = LAMP, position: int | None = None, ready: bool = True) -> ProductImage:
    image_id = f"00000000-0000-7000-8000-{number:012d}"
    made = ProductImage.pending(
        image_id,
        product_id,
        ANN,
        "image/webp",
        2048,
        number if position is None else position,
        START + timedelta(minutes=15),
        START + timedelta(seconds=number),
    )
    if ready:
        made.mark_ready(2000, START + timedelta(minutes=1))
    return made


async def add(uow: Callable[[], MediaUnitOfWork], *images: ProductImage) -> None:
    async with uow() as work:
        for each in images:
            await work.images.add(each)
        await work.commit()


async def test_an_image_reads_back_as_it_was_stored(uow: Callable[[], MediaUnitOfWork]) -> None:
    stored = image(1, ready=False)
    await add(uow, stored)
    async with uow() as work:
        found = await work.images.get(stored.image_id)
        missing = await work.images.get("no-such-image")
    assert found == stored
    assert found is not None
    assert found.status is ImageStatus.PENDING
    assert found.key == f"products/{LAMP}/{stored.image_id}.webp"
    assert missing is None


async def test_an_update_is_kept(uow: Callable[[], MediaUnitOfWork]) -> None:
    await add(uow, image(1, ready=False))
    async with uow() as work:
        found = await work.images.get(image(1).image_id)
        assert found is not None
        found.mark_ready(1999, START + timedelta(minutes=2))
        await work.images.update(found)
        await work.commit()
    async with uow() as work:
        again = await work.images.get(found.image_id)
    assert again == found
    assert again is not None
    assert (again.status, again.size) == (ImageStatus.READY, 1999)


async def test_a_product_lists_its_images_in_position_order(uow: Callable[[], MediaUnitOfWork]) -> None:
    await add(uow, image(3, position=1), image(1, position=3), image(2, position=2, ready=False), image(4, DESK))
    async with uow() as work:
        listed = await work.images.list_for_product(LAMP)
        none = await work.images.list_for_product("no-such-product")
    assert [i.image_id for i in listed] == [image(n).image_id for n in (3, 2, 1)]
    assert none == []


async def test_ready_images_of_many_products_at_once(uow: Callable[[], MediaUnitOfWork]) -> None:
    await add(uow, image(1, position=2), image(2, position=1), image(3, ready=False), image(4, DESK), image(5, "x"))
    async with uow() as work:
        ready = await work.images.ready_for_products([DESK, LAMP, "unknown"])
    assert [i.image_id for i in ready] == [image(n).image_id for n in (2, 1, 4)]


async def test_product_images_are_the_ready_urls_in_order(backend: MemoryMedia | PostgresMedia) -> None:
    await add(backend.uow, image(1, position=2), image(2, position=1), image(3, ready=False), image(4, DESK))
    urls = await backend.images.urls([LAMP, DESK, "unknown"])
    assert urls == {
        LAMP: [POLICY.url(image(2).key), POLICY.url(image(1).key)],
        DESK: [POLICY.url(image(4, DESK).key)],
        "unknown": [],
    }
    assert urls[DESK] == [f"https://cdn.example.com/media/products/{DESK}/{image(4).image_id}.webp"]
    assert await backend.images.urls([]) == {}


async def test_a_removed_image_is_gone(uow: Callable[[], MediaUnitOfWork]) -> None:
    await add(uow, image(1), image(2))
    async with uow() as work:
        await work.images.remove(image(1))
        await work.commit()
    async with uow() as work:
        assert await work.images.get(image(1).image_id) is None
        assert [i.image_id for i in await work.images.list_for_product(LAMP)] == [image(2).image_id]


async def test_an_id_or_a_products_position_is_taken_once(uow: Callable[[], MediaUnitOfWork]) -> None:
    await add(uow, image(1, position=1))
    with pytest.raises(Conflict):
        await add(uow, image(2, position=1))
    with pytest.raises(Conflict):
        await add(uow, image(1, position=5))
    await add(uow, image(3, DESK, position=1))  # positions are per product
    async with uow() as work:
        assert len(await work.images.list_for_product(LAMP)) == 1


async def test_a_freed_position_can_be_taken_in_the_same_change(uow: Callable[[], MediaUnitOfWork]) -> None:
    await add(uow, image(1, position=1))
    async with uow() as work:
        await work.images.remove(image(1))
        await work.images.add(image(2, position=1))
        await work.commit()
    async with uow() as work:
        assert [i.image_id for i in await work.images.list_for_product(LAMP)] == [image(2).image_id]


async def test_two_changes_racing_for_one_position_do_not_both_commit(uow: Callable[[], MediaUnitOfWork]) -> None:
    async def claim(number: int) -> None:
        async with uow() as work:
            await work.images.add(image(number, position=1))
            await asyncio.sleep(0)  # let the other change add its image before this one commits
            await work.commit()

    outcomes = await asyncio.gather(claim(1), claim(2), return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "NoneType"]
    async with uow() as work:
        assert len(await work.images.list_for_product(LAMP)) == 1


async def test_committed_events_carry_the_cards_image_urls(
    uow: Callable[[], MediaUnitOfWork], committed_events: Callable[[], Awaitable[list[EventEnvelope]]]
) -> None:
    ready = image(1)
    async with uow() as work:
        await work.images.add(ready)
        ready.images_changed([POLICY.url(ready.key)], START)
        await work.commit()
    async with uow() as work:
        dropped = await work.images.get(ready.image_id)
        assert dropped is not None
        await work.images.remove(dropped)
        dropped.images_changed([], START + timedelta(minutes=1))
    # Not committed: its event is dropped with it.
    [envelope] = await committed_events()
    assert envelope.type == ProductImagesChanged.type_name
    assert envelope.key == LAMP
    assert envelope.payload == {"product_id": LAMP, "seller_id": ANN, "image_urls": [POLICY.url(ready.key)]}
