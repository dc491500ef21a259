"""Orders reserve, release and commit stock: all or nothing, never oversold, once per order id."""

from __future__ import annotations

import asyncio

import pytest

from adapters.memory.clock import ManualClock
from core.products import commands
from core.products.events import (
    StockChanged,
    StockCommitted,
    StockLine,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from core.products.stock import MAX_ON_HAND, MAX_ORDER_LINES, ReservationState
from core.shared.errors import Conflict, NotFound, ValidationFailed
from core.shared.events import Event
from tests.support.events import RecordingEventBus

from ..harness import Published
from .test_stock import SELLER, StockApp, changes

RESERVED, FAILED = ReservationState.RESERVED, ReservationState.FAILED
RELEASED, COMMITTED = ReservationState.RELEASED, ReservationState.COMMITTED


@pytest.fixture
def stock(clock: ManualClock, bus: RecordingEventBus) -> StockApp:
    return StockApp(clock, bus)


def lines(*pairs: tuple[str, int]) -> list[StockLine]:
    return [StockLine(p, q) for p, q in pairs]


async def levels(stock: StockApp, *product_ids: str) -> list[commands.StockView]:
    return [await stock.view(p) for p in product_ids]


# --- reserving --------------------------------------------------------------------------------------------


async def test_an_order_reserves_every_line(stock: StockApp, published: Published) -> None:
    a = await stock.stocked("product-a", 10)
    b = await stock.stocked("product-b", 2)
    published.clear()

    outcome = await stock.reserve_lines("order-1", (b, 2), (a, 3))

    assert outcome == commands.ReservationView("order-1", RESERVED, lines((b, 2), (a, 3)), [])
    assert outcome.reserved
    assert await levels(stock, a, b) == [commands.StockView(a, 10, 3, 7), commands.StockView(b, 2, 2, 0)]
    [reserved] = published.of(StockReserved)
    assert (reserved.order_id, reserved.lines) == ("order-1", lines((b, 2), (a, 3)))
    assert sorted(changes(published)) == [(a, 7), (b, 0)]
    assert published.of(StockReservationFailed) == []


async def test_an_order_gets_nothing_when_one_line_is_short(stock: StockApp, published: Published) -> None:
    a = await stock.stocked("product-a", 10)
    b = await stock.stocked("product-b", 2)
    c = await stock.stocked("product-c", 1)
    published.clear()

    outcome = await stock.reserve_lines("order-1", (a, 3), (b, 5), (c, 2))

    # Each short line is named with what the order wanted of it.
    assert outcome == commands.ReservationView("order-1", FAILED, lines((a, 3), (b, 5), (c, 2)), lines((b, 5), (c, 2)))
    assert not outcome.reserved
    assert await levels(stock, a, b, c) == [
        commands.StockView(a, 10, 0, 10),
        commands.StockView(b, 2, 0, 2),
        commands.StockView(c, 1, 0, 1),
    ]
    [failed] = published.of(StockReservationFailed)
    assert (failed.order_id, failed.unavailable) == ("order-1", lines((b, 5), (c, 2)))
    assert published.types() == [StockReservationFailed.type_name]


async def test_a_product_without_stock_cannot_be_reserved(stock: StockApp) -> None:
    a = await stock.stocked("product-a", 10)
    never_stocked = stock.listed("product-new")

    outcome = await stock.reserve_lines("order-1", (a, 1), (never_stocked, 1), ("no-such-product", 1))

    assert outcome.state is FAILED
    assert outcome.unavailable == lines((never_stocked, 1), ("no-such-product", 1))
    assert await stock.levels.available([a]) == {a: 10}


async def test_the_last_units_go_to_the_first_order_that_asks(stock: StockApp) -> None:
    product = await stock.stocked("product-1", 5)

    first = await stock.reserve_lines("order-1", (product, 3))
    second = await stock.reserve_lines("order-2", (product, 2))
    third = await stock.reserve_lines("order-3", (product, 1))

    assert [first.state, second.state, third.state] == [RESERVED, RESERVED, FAILED]
    assert await stock.view(product) == commands.StockView(product, 5, 5, 0)


async def test_concurrent_orders_never_oversell(stock: StockApp) -> None:
    product = await stock.stocked("product-1", 5)

    outcomes = await asyncio.gather(*(stock.reserve_lines(f"order-{n}", (product, 1)) for n in range(50)))

    assert sorted(o.state for o in outcomes).count(RESERVED) == 5
    assert await stock.view(product) == commands.StockView(product, 5, 5, 0)


async def test_a_unit_of_work_holding_stock_makes_others_wait_until_it_ends(stock: StockApp) -> None:
    product = await stock.stocked("product-1", 5)

    async with stock.uow() as uow:
        await uow.stock.lock([product])
        waiting = asyncio.ensure_future(stock.reserve_lines("order-1", (product, 1)))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not waiting.done()

    assert (await waiting).state is RESERVED


async def test_a_consumer_of_the_events_may_change_stock_in_turn(stock: StockApp) -> None:
    """The lock ends with the commit, before the events reach their consumers: nothing waits for itself."""
    product = await stock.stocked("product-1", 5)
    released: list[commands.ReservationView | None] = []

    async def cancel_at_once(event: Event) -> None:
        assert isinstance(event, StockReserved)
        released.append(await stock.release(commands.ReleaseForOrder(event.order_id)))

    stock.bus.subscribe("test", StockReserved, cancel_at_once)

    await stock.reserve_lines("order-1", (product, 2))

    assert [r.state for r in released if r is not None] == [RELEASED]
    assert await stock.view(product) == commands.StockView(product, 5, 0, 5)


# --- once per order ---------------------------------------------------------------------------------------


async def test_reserving_an_order_again_returns_the_same_outcome_and_changes_nothing(
    stock: StockApp, published: Published
) -> None:
    a = await stock.stocked("product-a", 10)
    b = await stock.stocked("product-b", 10)
    first = await stock.reserve_lines("order-1", (a, 3), (b, 1))
    published.clear()

    again = await stock.reserve_lines("order-1", (b, 1), (a, 3))  # the same lines, in any order

    assert again == first
    assert await levels(stock, a, b) == [commands.StockView(a, 10, 3, 7), commands.StockView(b, 10, 1, 9)]
    assert published.types() == []


async def test_a_failed_order_stays_failed_even_once_stock_arrives(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 1)
    first = await stock.reserve_lines("order-1", (product, 2))
    await stock.set_stock(commands.SetOnHand(SELLER, product, 50))
    published.clear()

    again = await stock.reserve_lines("order-1", (product, 2))

    assert again == first
    assert again.state is FAILED
    assert await stock.view(product) == commands.StockView(product, 50, 0, 50)
    assert published.types() == []


async def test_an_order_id_reused_for_other_lines_is_a_conflict(stock: StockApp, published: Published) -> None:
    a = await stock.stocked("product-a", 10)
    await stock.reserve_lines("order-1", (a, 3))
    published.clear()

    for other in [((a, 4),), ((a, 3), ("product-b", 1))]:
        with pytest.raises(Conflict):
            await stock.reserve_lines("order-1", *other)

    assert await stock.view(a) == commands.StockView(a, 10, 3, 7)
    assert published.types() == []


async def test_the_same_order_reserved_concurrently_reserves_once(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 10)
    published.clear()

    outcomes = await asyncio.gather(*(stock.reserve_lines("order-1", (product, 4)) for _ in range(5)))

    assert {o.state for o in outcomes} == {RESERVED}
    assert await stock.view(product) == commands.StockView(product, 10, 4, 6)
    assert len(published.of(StockReserved)) == 1


async def test_a_released_order_cannot_reserve_again(stock: StockApp) -> None:
    product = await stock.stocked("product-1", 10)
    await stock.reserve_lines("order-1", (product, 4))
    await stock.release(commands.ReleaseForOrder("order-1"))

    again = await stock.reserve_lines("order-1", (product, 4))

    assert again.state is RELEASED
    assert await stock.view(product) == commands.StockView(product, 10, 0, 10)


# --- bad orders -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_id", "order_lines", "fields"),
    [
        ("", lines(("p", 1)), ["order_id"]),
        ("   ", lines(("p", 1)), ["order_id"]),
        ("o" * 65, lines(("p", 1)), ["order_id"]),
        ("order-1", [], ["lines"]),
        ("order-1", lines(*((f"p{n}", 1) for n in range(MAX_ORDER_LINES + 1))), ["lines"]),
        ("order-1", lines(("p", 0)), ["lines.0.quantity"]),
        ("order-1", lines(("p", -2)), ["lines.0.quantity"]),
        ("order-1", lines(("p", MAX_ON_HAND + 1)), ["lines.0.quantity"]),
        ("order-1", lines(("p", 1), ("", 1)), ["lines.1.product_id"]),
        ("order-1", lines(("p", 1), ("q", 2), ("p", 3)), ["lines.2.product_id"]),
        ("", lines(("p", 0), ("p", 1)), ["order_id", "lines.0.quantity", "lines.1.product_id"]),
    ],
)
async def test_a_bad_order_is_refused_naming_every_bad_field(
    stock: StockApp, published: Published, order_id: str, order_lines: list[StockLine], fields: list[str]
) -> None:
    await stock.stocked("p", 10)
    published.clear()

    with pytest.raises(ValidationFailed) as refused:
        await stock.reserve(commands.ReserveForOrder(order_id, order_lines))

    assert [e.field for e in refused.value.errors] == fields
    assert await stock.view("p") == commands.StockView("p", 10, 0, 10)
    assert published.types() == []


@pytest.mark.parametrize("use_case", ["release", "commit"])
async def test_release_and_commit_need_an_order_id(stock: StockApp, use_case: str) -> None:
    command = commands.ReleaseForOrder("") if use_case == "release" else commands.CommitForOrder("")
    with pytest.raises(ValidationFailed) as refused:
        await getattr(stock, use_case)(command)

    assert [e.field for e in refused.value.errors] == ["order_id"]


# --- releasing --------------------------------------------------------------------------------------------


async def test_releasing_an_order_gives_its_units_back(stock: StockApp, published: Published) -> None:
    a = await stock.stocked("product-a", 10)
    b = await stock.stocked("product-b", 3)
    await stock.reserve_lines("order-1", (a, 4), (b, 3))
    await stock.reserve_lines("order-2", (a, 1))
    published.clear()

    outcome = await stock.release(commands.ReleaseForOrder("order-1"))

    assert outcome == commands.ReservationView("order-1", RELEASED, lines((a, 4), (b, 3)), [])
    assert await levels(stock, a, b) == [commands.StockView(a, 10, 1, 9), commands.StockView(b, 3, 0, 3)]
    [released] = published.of(StockReleased)
    assert (released.order_id, released.lines) == ("order-1", lines((a, 4), (b, 3)))
    assert sorted(changes(published)) == [(a, 9), (b, 3)]


async def test_releasing_again_changes_nothing(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 10)
    await stock.reserve_lines("order-1", (product, 4))
    first = await stock.release(commands.ReleaseForOrder("order-1"))
    published.clear()

    assert await stock.release(commands.ReleaseForOrder("order-1")) == first
    assert await stock.view(product) == commands.StockView(product, 10, 0, 10)
    assert published.types() == []


async def test_releasing_an_order_that_holds_nothing_changes_nothing(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 1)
    failed = await stock.reserve_lines("order-1", (product, 2))
    published.clear()

    assert await stock.release(commands.ReleaseForOrder("order-1")) == failed
    assert await stock.release(commands.ReleaseForOrder("never-reserved")) is None
    assert await stock.view(product) == commands.StockView(product, 1, 0, 1)
    assert published.types() == []


async def test_a_shipped_order_cannot_be_released(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 10)
    await stock.reserve_lines("order-1", (product, 4))
    await stock.commit(commands.CommitForOrder("order-1"))
    published.clear()

    with pytest.raises(Conflict):
        await stock.release(commands.ReleaseForOrder("order-1"))

    assert await stock.view(product) == commands.StockView(product, 6, 0, 6)
    assert published.types() == []


# --- committing -------------------------------------------------------------------------------------------


async def test_committing_an_order_takes_its_units_out_of_stock(stock: StockApp, published: Published) -> None:
    a = await stock.stocked("product-a", 10)
    b = await stock.stocked("product-b", 3)
    await stock.reserve_lines("order-1", (a, 4), (b, 3))
    await stock.reserve_lines("order-2", (a, 1))
    published.clear()

    outcome = await stock.commit(commands.CommitForOrder("order-1"))

    assert outcome == commands.ReservationView("order-1", COMMITTED, lines((a, 4), (b, 3)), [])
    # What is available does not move: the units were already spoken for.
    assert await levels(stock, a, b) == [commands.StockView(a, 6, 1, 5), commands.StockView(b, 0, 0, 0)]
    [committed] = published.of(StockCommitted)
    assert (committed.order_id, committed.lines) == ("order-1", lines((a, 4), (b, 3)))
    assert published.types() == [StockCommitted.type_name]


async def test_committing_again_changes_nothing(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 10)
    await stock.reserve_lines("order-1", (product, 4))
    first = await stock.commit(commands.CommitForOrder("order-1"))
    published.clear()

    assert await stock.commit(commands.CommitForOrder("order-1")) == first
    assert await stock.view(product) == commands.StockView(product, 6, 0, 6)
    assert published.types() == []


async def test_only_a_reserved_order_can_be_committed(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 3)
    await stock.reserve_lines("order-released", (product, 1))
    await stock.release(commands.ReleaseForOrder("order-released"))
    await stock.reserve_lines("order-failed", (product, 4))
    published.clear()

    for order_id in ("order-released", "order-failed"):
        with pytest.raises(Conflict):
            await stock.commit(commands.CommitForOrder(order_id))
    with pytest.raises(NotFound):
        await stock.commit(commands.CommitForOrder("never-reserved"))

    assert await stock.view(product) == commands.StockView(product, 3, 0, 3)
    assert published.types() == []


async def test_stock_changes_tell_what_is_available(stock: StockApp, published: Published) -> None:
    """Every change of what can be sold is a StockChanged; a commit changes what is on hand only."""
    product = await stock.stocked("product-1", 5)
    await stock.reserve_lines("order-1", (product, 2))
    await stock.reserve_lines("order-2", (product, 1))
    await stock.release(commands.ReleaseForOrder("order-2"))
    await stock.commit(commands.CommitForOrder("order-1"))
    await stock.set_stock(commands.SetOnHand(SELLER, product, 10))

    assert [e.available for e in published.of(StockChanged)] == [5, 3, 2, 3, 10]
