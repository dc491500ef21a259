"""The StockRepository, ReservationRepository, StockUnitOfWork and StockLevels contract, memory and PostgreSQL alike.

The stock lives in the products database, so this suite has its own scratch database (migrated for the
``products`` context) rather than the one tests/contract/conftest.py makes for the users database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.stock import MemoryStockLevels, MemoryStockUnitOfWork, StockTables
from adapters.postgres.products.stock import PostgresStockLevels, PostgresStockUnitOfWork
from core.products.events import StockLine
from core.products.stock import ReservationState, StockItem, StockReservation
from core.shared.errors import Conflict
from core.shared.events import EventEnvelope
from ports.catalog import StockLevels
from ports.stock import StockUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
ANN = "00000000-0000-7000-8000-000000000a22"
BOB = "00000000-0000-7000-8000-000000000b0b"
# Ids that sort differently by byte than by a language's collation: the lock order must not care.
P1, P2, P3 = "Product-b", "product-a", "product-\u00e9"

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]

UowFactory = Callable[[], StockUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


class MemoryStock:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = StockTables()
        self.levels: StockLevels = MemoryStockLevels(self.tables)

    def uow(self) -> StockUnitOfWork:
        return MemoryStockUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresStock:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.levels: StockLevels = PostgresStockLevels(pool)

    def uow(self) -> StockUnitOfWork:
        return PostgresStockUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="module")
async def stock_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("stock_contract", contexts=["products"]) as pool:
        yield pool


@pytest.fixture
async def clean_stock_pool(stock_pool: asyncpg.Pool) -> asyncpg.Pool:
    await stock_pool.execute(await truncate_statement(stock_pool))
    return stock_pool


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> MemoryStock | PostgresStock:
    if request.param == "memory":
        return MemoryStock()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresStock(request.getfixturevalue("clean_stock_pool"))


@pytest.fixture
def stock_uow(backend: MemoryStock | PostgresStock) -> UowFactory:
    """A factory: a new unit of work per call, as the container hands them out."""
    return backend.uow


@pytest.fixture
def committed_events(backend: MemoryStock | PostgresStock) -> CommittedEvents:
    return backend.committed_events


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def item(product_id: str, on_hand: int, seller_id: str = ANN, now: datetime = START) -> StockItem:
    stocked = StockItem.empty(product_id, seller_id, now)
    stocked.on_hand = on_hand
    return stocked


async def store(stock_uow: UowFactory, *items: StockItem) -> None:
    async with stock_uow() as uow:
        for each in items:
            await uow.stock.add(each)
        await uow.commit()


async def reserve(
    stock_uow: UowFactory, order_id: str, lines: list[StockLine], now: datetime = START
) -> StockReservation:
    """What ReserveStock does: lock the order, then its items, place the reservation, store both."""
    async with stock_uow() as uow:
        assert await uow.reservations.lock(order_id) is None
        items = await uow.stock.lock([line.product_id for line in lines])
        reservation = StockReservation.place(order_id, lines, items, now)
        await uow.reservations.add(reservation)
        for each in items.values():
            await uow.stock.update(each)
        await uow.commit()
    return reservation


# Items


async def test_an_item_comes_back_with_every_field(stock_uow: UowFactory) -> None:
    stored = item(P1, 12, seller_id=BOB, now=START + timedelta(microseconds=1))
    await store(stock_uow, stored)

    async with stock_uow() as uow:
        assert await uow.stock.get(P1) == stored
        assert await uow.stock.lock([P1]) == {P1: stored}


async def test_a_product_never_stocked_has_no_item(stock_uow: UowFactory) -> None:
    async with stock_uow() as uow:
        assert await uow.stock.get(P1) is None
        assert await uow.stock.lock([P1, P2]) == {}


async def test_lock_returns_the_items_that_exist_once_each(stock_uow: UowFactory) -> None:
    await store(stock_uow, item(P1, 1), item(P2, 2), item(P3, 3))

    async with stock_uow() as uow:
        locked = await uow.stock.lock([P3, "never-stocked", P1, P3])

    assert {p: i.on_hand for p, i in locked.items()} == {P1: 1, P3: 3}


async def test_a_second_item_for_a_product_is_a_conflict(stock_uow: UowFactory) -> None:
    await store(stock_uow, item(P1, 5))

    async with stock_uow() as uow:
        with pytest.raises(Conflict, match=r"^this product has its stock already$"):
            await uow.stock.add(item(P1, 7))
        # The unit of work is still usable after the conflict.
        await uow.stock.add(item(P2, 2))
        await uow.commit()

    async with stock_uow() as uow:
        assert [await uow.stock.get(p) for p in (P1, P2)] == [item(P1, 5), item(P2, 2)]


async def test_an_item_update_is_stored(stock_uow: UowFactory, clock: ManualClock) -> None:
    await store(stock_uow, item(P1, 5))
    clock.advance(90)

    async with stock_uow() as uow:
        locked = (await uow.stock.lock([P1]))[P1]
        locked.set_on_hand(40, clock.now())
        await uow.stock.update(locked)
        await uow.commit()

    async with stock_uow() as uow:
        assert await uow.stock.get(P1) == locked
    assert locked.updated_at == clock.now()


async def test_leaving_without_commit_keeps_nothing_and_publishes_nothing(
    stock_uow: UowFactory, committed_events: CommittedEvents
) -> None:
    await store(stock_uow, item(P1, 5))

    async with stock_uow() as uow:
        locked = (await uow.stock.lock([P1]))[P1]
        locked.set_on_hand(1, START)
        await uow.stock.update(locked)
        await uow.stock.add(item(P2, 9))
        StockReservation.place("order-1", [StockLine(P1, 1)], {P1: locked}, START)

    async with stock_uow() as uow:
        assert await uow.stock.get(P1) == item(P1, 5)
        assert await uow.stock.get(P2) is None
        assert await uow.reservations.lock("order-1") is None
    assert await committed_events() == []


# Reservations


async def test_a_reservation_comes_back_with_its_lines_in_order(stock_uow: UowFactory) -> None:
    await store(stock_uow, item(P1, 5), item(P2, 5), item(P3, 5))

    placed = await reserve(stock_uow, "order-1", [StockLine(P3, 1), StockLine(P1, 2), StockLine(P2, 5)])

    async with stock_uow() as uow:
        loaded = await uow.reservations.lock("order-1")
    assert loaded == placed
    assert loaded is not None
    assert (loaded.state, loaded.unavailable, loaded.created_at) == (ReservationState.RESERVED, [], START)
    assert [line.product_id for line in loaded.lines] == [P3, P1, P2]


async def test_a_failed_reservation_comes_back_naming_its_short_lines(stock_uow: UowFactory) -> None:
    await store(stock_uow, item(P1, 5), item(P2, 1))

    placed = await reserve(stock_uow, "order-1", [StockLine(P1, 2), StockLine(P2, 3), StockLine("no-such", 1)])

    async with stock_uow() as uow:
        loaded = await uow.reservations.lock("order-1")
    assert loaded == placed
    assert loaded is not None
    assert loaded.state is ReservationState.FAILED
    assert loaded.unavailable == [StockLine(P2, 3), StockLine("no-such", 1)]
    async with stock_uow() as uow:
        assert [(await uow.stock.get(p)) for p in (P1, P2)] == [item(P1, 5), item(P2, 1)]


async def test_a_second_reservation_for_an_order_is_a_conflict(stock_uow: UowFactory) -> None:
    await store(stock_uow, item(P1, 5))
    await reserve(stock_uow, "order-1", [StockLine(P1, 2)])

    async with stock_uow() as uow:
        again = StockReservation("order-1", [StockLine(P1, 1)], ReservationState.FAILED, [], START, START)
        with pytest.raises(Conflict, match=r"^order order-1 has a reservation already$"):
            await uow.reservations.add(again)


async def test_an_items_holds_are_the_lines_still_reserved(stock_uow: UowFactory, clock: ManualClock) -> None:
    await store(stock_uow, item(P1, 10), item(P2, 10))
    await reserve(stock_uow, "order-1", [StockLine(P1, 2), StockLine(P2, 3)])
    await reserve(stock_uow, "order-2", [StockLine(P1, 4)])

    async with stock_uow() as uow:
        p1 = await uow.stock.get(P1)
        assert p1 is not None
        assert (p1.reservations, p1.available) == ({"order-1": 2, "order-2": 4}, 4)
        assert (await uow.stock.lock([P2]))[P2].reservations == {"order-1": 3}

    clock.advance(5)
    async with stock_uow() as uow:
        order = await uow.reservations.lock("order-1")
        assert order is not None
        items = await uow.stock.lock(order.product_ids)
        assert order.release(items, clock.now())
        await uow.reservations.update(order)
        for each in items.values():
            await uow.stock.update(each)
        await uow.commit()

    async with stock_uow() as uow:
        after = [await uow.stock.get(p) for p in (P1, P2)]
        released = await uow.reservations.lock("order-1")
    assert [i.reservations if i else None for i in after] == [{"order-2": 4}, {}]
    assert released == order
    assert released is not None
    assert (released.state, released.updated_at) == (ReservationState.RELEASED, clock.now())


async def test_the_events_are_handed_on_at_commit(stock_uow: UowFactory, committed_events: CommittedEvents) -> None:
    await store(stock_uow, item(P1, 10))

    await reserve(stock_uow, "order-1", [StockLine(P1, 2)])

    events = await committed_events()
    assert [(e.type, e.key) for e in events] == [
        ("products.StockChanged.v1", P1),
        ("products.StockReserved.v1", "order-1"),
    ]
    assert events[0].payload == {"product_id": P1, "available": 8}
    assert events[1].payload == {"order_id": "order-1", "lines": [{"product_id": P1, "quantity": 2}]}


# Locks


async def test_a_locked_item_waits_for_the_unit_of_work_holding_it(stock_uow: UowFactory) -> None:
    await store(stock_uow, item(P1, 10))
    happened: list[str] = []

    async def second() -> None:
        async with stock_uow() as uow:
            await uow.stock.lock([P2, P1])
            happened.append("second locked")

    async with stock_uow() as uow:
        await uow.stock.lock([P1])
        waiting = asyncio.ensure_future(second())
        await asyncio.sleep(0.2)  # room for the second to (wrongly) get the lock
        happened.append("first ends")
    await waiting

    assert happened == ["first ends", "second locked"]


async def test_a_locked_order_waits_for_the_unit_of_work_holding_it(stock_uow: UowFactory) -> None:
    happened: list[str] = []

    async def second() -> None:
        async with stock_uow() as uow:
            found = await uow.reservations.lock("order-1")
            happened.append(f"second found {found.state.value if found else None}")

    await store(stock_uow, item(P1, 10))
    async with stock_uow() as uow:
        assert await uow.reservations.lock("order-1") is None
        waiting = asyncio.ensure_future(second())
        await asyncio.sleep(0.2)
        items = await uow.stock.lock([P1])
        await uow.reservations.add(StockReservation.place("order-1", [StockLine(P1, 1)], items, START))
        await uow.stock.update(items[P1])
        await uow.commit()
        happened.append("first committed")
    await waiting

    # The order did not exist when the second asked: it still sees the reservation the first made.
    assert happened == ["first committed", "second found reserved"]


# Stock levels


async def test_stock_levels_are_what_can_still_be_sold(backend: MemoryStock | PostgresStock) -> None:
    stock_uow = backend.uow
    await store(stock_uow, item(P1, 10), item(P2, 3))
    await reserve(stock_uow, "order-1", [StockLine(P1, 4), StockLine(P2, 3)])

    assert await backend.levels.available([P1, P2, "never-stocked", P1]) == {P1: 6, P2: 0, "never-stocked": 0}
    assert await backend.levels.available([]) == {}
