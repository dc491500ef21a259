"""The OrderRepository and OrdersUnitOfWork contract, memory and PostgreSQL alike (schema ``orders``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.orders import MemoryOrdersUnitOfWork, OrdersTables
from adapters.postgres.orders.repository import PostgresOrdersUnitOfWork
from core.orders.events import OrderLine
from core.orders.model import DuplicateCheckout, Order, OrderStatus
from core.shared.addresses import PostalAddress
from core.shared.errors import ChangedMeanwhile, ValidationFailed
from core.shared.events import EventEnvelope
from core.shared.money import Money
from core.shared.pagination import PageRequest, encode_cursor
from ports.orders import OrdersUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

# Microseconds on purpose: stored times (and the cursors made of them) must come back exact.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]
ADDRESS = PostalAddress(
    recipient="Zoë Ünal", line1="Straße 1", city="Köln", postal_code="50667", country="DE", phone="+49 221 1"
)

UowFactory = Callable[[], OrdersUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


class MemoryOrders:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = OrdersTables()

    def uow(self) -> OrdersUnitOfWork:
        return MemoryOrdersUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresOrders:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def uow(self) -> OrdersUnitOfWork:
        return PostgresOrdersUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="session")
async def orders_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("orders_contract", contexts=["orders"]) as pool:
        yield pool


@pytest.fixture(scope="session")
async def orders_truncate(orders_pool: asyncpg.Pool) -> str:
    return await truncate_statement(orders_pool)


@pytest.fixture
async def clean_orders_pool(orders_pool: asyncpg.Pool, orders_truncate: str) -> asyncpg.Pool:
    await orders_pool.execute(orders_truncate)
    return orders_pool


@pytest.fixture(params=ADAPTERS)
def orders_backend(request: pytest.FixtureRequest) -> MemoryOrders | PostgresOrders:
    if request.param == "memory":
        return MemoryOrders()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresOrders(request.getfixturevalue("clean_orders_pool"))


@pytest.fixture
def orders_uow(orders_backend: MemoryOrders | PostgresOrders) -> UowFactory:
    return orders_backend.uow


@pytest.fixture
def committed_events(orders_backend: MemoryOrders | PostgresOrders) -> CommittedEvents:
    return orders_backend.committed_events


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def order_id(n: int) -> str:
    return f"00000000-0000-7000-8000-{n:012d}"


def new_order(
    n: int, clock: ManualClock, customer: str = "customer-1", key: str | None = None, sellers: tuple[str, ...] = ("s1",)
) -> Order:
    lines = [
        OrderLine(f"p{i}", seller, f"Product {i} — ü", Money(1250 + i, "EUR"), i + 1)
        for i, seller in enumerate(sellers)
    ]
    return Order.place(
        order_id=order_id(n),
        customer_id=customer,
        lines=lines,
        address=ADDRESS,
        idempotency_key=key or f"key-{n}",
        payment_token="tok_visa",
        now=clock.now(),
    )


async def store(orders_uow: UowFactory, *orders: Order) -> None:
    async with orders_uow() as uow:
        for order in orders:
            await uow.orders.add(order)
        await uow.commit()


async def load(orders_uow: UowFactory, id_: str) -> Order | None:
    async with orders_uow() as uow:
        return await uow.orders.get(id_)


async def test_an_order_comes_back_with_every_field(orders_uow: UowFactory, clock: ManualClock) -> None:
    order = new_order(1, clock, sellers=("s1", "s2"))
    await store(orders_uow, order)
    assert await load(orders_uow, order_id(1)) == order

    async with orders_uow() as uow:
        loaded = await uow.orders.get(order_id(1))
        assert loaded is not None
        for move in (loaded.await_payment, loaded.confirm):
            clock.advance(0.000001)
            move(clock.now())
        loaded.mark_ready("s1", clock.now())
        loaded.mark_ready("s2", clock.now())
        for move in (loaded.ship, loaded.deliver):
            clock.advance(60)
            move(clock.now())
        loaded.request_return("too big", timedelta(days=30), clock.now())
        loaded.refund(Money(1000, "EUR"), clock.now())
        await uow.orders.update(loaded)
        await uow.commit()

    stored = await load(orders_uow, order_id(1))
    assert stored == loaded
    assert stored is not None
    assert stored.version == 1
    assert (stored.status, stored.refunded, stored.return_reason) == (
        OrderStatus.REFUNDED,
        Money(1000, "EUR"),
        "too big",
    )
    assert [h.status for h in stored.history][-1] is OrderStatus.REFUNDED
    assert stored.paid_at == START + timedelta(microseconds=2)
    assert all(line.ready_at == stored.paid_at for line in stored.lines)


async def test_a_cancelled_order_keeps_why_and_by_whom(orders_uow: UowFactory, clock: ManualClock) -> None:
    order = new_order(1, clock)
    order.cancel("changed my mind", "customer", clock.now())
    await store(orders_uow, order)
    stored = await load(orders_uow, order_id(1))
    assert stored == order


async def test_unknown_orders_and_keys_are_none(orders_uow: UowFactory, clock: ManualClock) -> None:
    await store(orders_uow, new_order(1, clock))
    async with orders_uow() as uow:
        assert await uow.orders.get(order_id(9)) is None
        assert await uow.orders.get("not a uuid at all") is None
        assert await uow.orders.by_idempotency_key("customer-1", "key-9") is None
        assert await uow.orders.by_idempotency_key("customer-2", "key-1") is None
        found = await uow.orders.by_idempotency_key("customer-1", "key-1")
    assert found is not None
    assert found.id == order_id(1)


async def test_a_key_used_again_by_the_customer_is_a_duplicate(orders_uow: UowFactory, clock: ManualClock) -> None:
    await store(orders_uow, new_order(1, clock, key="k"))
    async with orders_uow() as uow:
        with pytest.raises(DuplicateCheckout):
            await uow.orders.add(new_order(2, clock, key="k"))
        # Still usable: another customer may use the same key.
        await uow.orders.add(new_order(3, clock, customer="customer-2", key="k"))
        await uow.commit()
    assert await load(orders_uow, order_id(2)) is None
    assert await load(orders_uow, order_id(3)) is not None


async def test_two_concurrent_checkouts_with_one_key_exactly_one_wins(
    orders_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    both_checked = asyncio.Barrier(2)

    async def checkout(n: int) -> None:
        async with orders_uow() as uow:
            assert await uow.orders.by_idempotency_key("customer-1", "k") is None
            await both_checked.wait()
            await uow.orders.add(new_order(n, clock, key="k"))
            await uow.commit()

    outcomes = await asyncio.wait_for(asyncio.gather(checkout(1), checkout(2), return_exceptions=True), 10)

    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1, outcomes
    assert isinstance(failures[0], DuplicateCheckout)
    winner = order_id(2) if outcomes[0] is not None else order_id(1)
    async with orders_uow() as uow:
        found = await uow.orders.by_idempotency_key("customer-1", "k")
    assert found is not None
    assert found.id == winner
    assert [(e.type, e.key) for e in await committed_events()] == [("orders.OrderPlaced.v1", winner)]


async def test_an_update_on_a_stale_read_is_refused(
    orders_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    await store(orders_uow, new_order(1, clock))
    async with orders_uow() as first, orders_uow() as second:
        mine = await first.orders.get(order_id(1))
        theirs = await second.orders.get(order_id(1))
        assert mine is not None
        assert theirs is not None
        mine.cancel("", "customer", clock.now())
        await first.orders.update(mine)
        await first.commit()
        theirs.await_payment(clock.now())
        with pytest.raises(ChangedMeanwhile):
            await second.orders.update(theirs)

    stored = await load(orders_uow, order_id(1))
    assert stored is not None
    assert (stored.status, stored.version) == (OrderStatus.CANCELLED, 1)
    assert [e.type for e in await committed_events()] == ["orders.OrderPlaced.v1", "orders.OrderCancelled.v1"]


async def test_events_are_handed_on_at_commit_and_only_then(
    orders_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    async with orders_uow() as uow:
        await uow.orders.add(new_order(1, clock))
    assert await committed_events() == []
    assert await load(orders_uow, order_id(1)) is None

    await store(orders_uow, new_order(1, clock))
    [placed] = await committed_events()
    assert (placed.type, placed.key) == ("orders.OrderPlaced.v1", order_id(1))
    assert placed.payload["payment_token"] == "tok_visa"
    assert placed.payload["total"] == {"amount": 1250, "currency": "EUR"}
    assert placed.payload["address"]["city"] == "Köln"


async def ids_of(pages: list[list[Order]]) -> list[list[str]]:
    return [[o.id for o in page] for page in pages]


async def walk(orders_uow: UowFactory, lister: str, limit: int, *args: object) -> list[list[str]]:
    pages: list[list[str]] = []
    request = PageRequest(limit=limit)
    while True:
        async with orders_uow() as uow:
            page = await getattr(uow.orders, lister)(*args, request)
        pages.append([o.id for o in page.items])
        if page.next_cursor is None:
            return pages
        request = PageRequest(limit=limit, cursor=page.next_cursor)


async def test_lists_are_newest_first_then_by_id_descending(orders_uow: UowFactory) -> None:
    t0 = START
    made = []
    # 2 and 3 placed in the same instant: the greater id comes first.
    for n, offset in [(1, 0), (2, 5), (3, 5), (4, 0.000001), (5, 9)]:
        made.append(new_order(n, ManualClock(t0 + timedelta(seconds=offset))))
    made.append(new_order(6, ManualClock(t0 + timedelta(seconds=7)), customer="customer-2"))
    await store(orders_uow, *made)

    mine = [order_id(n) for n in (5, 3, 2, 4, 1)]
    assert await walk(orders_uow, "list_for_customer", 2, "customer-1", None) == [mine[0:2], mine[2:4], mine[4:]]
    every = [order_id(n) for n in (5, 6, 3, 2, 4, 1)]
    assert await walk(orders_uow, "list_all", 4, None) == [every[:4], every[4:]]
    assert await walk(orders_uow, "list_all", 6, None) == [every]


async def test_a_status_lists_only_its_orders(orders_uow: UowFactory, clock: ManualClock) -> None:
    orders = [new_order(n, clock) for n in range(1, 4)]
    orders[1].await_payment(clock.now())
    orders[2].cancel("", "system", clock.now())
    await store(orders_uow, *orders)

    assert await walk(orders_uow, "list_for_customer", 5, "customer-1", OrderStatus.PENDING) == [[order_id(1)]]
    assert await walk(orders_uow, "list_all", 5, OrderStatus.AWAITING_PAYMENT) == [[order_id(2)]]
    assert await walk(orders_uow, "list_all", 5, OrderStatus.CANCELLED) == [[order_id(3)]]
    assert await walk(orders_uow, "list_all", 5, OrderStatus.PAID) == [[]]


async def test_a_seller_lists_orders_with_their_lines_once_paid(orders_uow: UowFactory, clock: ManualClock) -> None:
    unpaid = new_order(1, clock, sellers=("s1",))
    paid_both = new_order(2, clock, sellers=("s1", "s2"))
    paid_other = new_order(3, clock, sellers=("s2",))
    paid_then_cancelled = new_order(4, clock, sellers=("s1",))
    for order in (paid_both, paid_other, paid_then_cancelled):
        order.await_payment(clock.now())
        order.confirm(clock.now())
    paid_then_cancelled.cancel("", "system", clock.now())
    await store(orders_uow, unpaid, paid_both, paid_other, paid_then_cancelled)

    assert await walk(orders_uow, "list_for_seller", 1, "s1", None) == [[order_id(4)], [order_id(2)]]
    assert await walk(orders_uow, "list_for_seller", 5, "s2", None) == [[order_id(3), order_id(2)]]
    assert await walk(orders_uow, "list_for_seller", 5, "s1", OrderStatus.PAID) == [[order_id(2)]]
    assert await walk(orders_uow, "list_for_seller", 5, "s3", None) == [[]]


@pytest.mark.parametrize(
    "cursor",
    ["%%%", encode_cursor(["x"]), encode_cursor([START.isoformat(), 1]), encode_cursor(["2026-13-01", "a"])],
)
async def test_a_forged_cursor_is_refused_naming_cursor(
    orders_uow: UowFactory, clock: ManualClock, cursor: str
) -> None:
    await store(orders_uow, new_order(1, clock))
    for lister, args in [("list_for_customer", ("customer-1",)), ("list_for_seller", ("s1",)), ("list_all", ())]:
        async with orders_uow() as uow:
            with pytest.raises(ValidationFailed) as raised:
                await getattr(uow.orders, lister)(*args, None, PageRequest(limit=1, cursor=cursor))
        assert [e.field for e in raised.value.errors] == ["cursor"]
