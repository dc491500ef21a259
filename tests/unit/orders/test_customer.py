"""The customer's own orders: list, read, cancel before shipment, return within the window."""

from __future__ import annotations

import pytest

from core.orders.commands import CancelOrder, ListMine, ReturnOrder, ShowOrder
from core.orders.events import OrderCancelled, ReturnRequested
from core.orders.model import OrderStatus
from core.shared.errors import Conflict, NotFound, ValidationFailed
from core.shared.pagination import PageRequest, encode_cursor
from tests.unit.harness import Published

from .conftest import ANN, BOB, RETURN_WINDOW_DAYS, OrdersApp, eur

DAY = 24 * 3600


async def my_pages(orders: OrdersApp, limit: int, status: OrderStatus | None = None) -> list[list[str]]:
    pages, request = [], PageRequest(limit)
    while True:
        page = await orders.list_mine(ListMine(ANN, status, request))
        pages.append([o.order_id for o in page.items])
        if page.next_cursor is None:
            return pages
        request = PageRequest(limit, page.next_cursor)


async def test_my_orders_come_newest_first_in_pages_and_only_mine(orders: OrdersApp) -> None:
    made = []
    for n in range(5):
        made.append((await orders.placed(ANN, f"key-{n}")).order_id)
        if n != 2:  # two in the same instant: the id breaks the tie
            orders.clock.advance(1)
    await orders.placed(BOB, "key-bob")

    newest_first = made[::-1]  # ids grow with creation: the tie of the 3rd and 4th goes to the 4th
    assert await my_pages(orders, 2) == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    assert await my_pages(orders, 10) == [newest_first]


async def test_a_status_lists_only_its_orders(orders: OrdersApp) -> None:
    pending = await orders.placed(key="k1")
    paid = await orders.paid(key="k2")
    assert await my_pages(orders, 10, OrderStatus.PAID) == [[paid.order_id]]
    assert await my_pages(orders, 10, OrderStatus.PENDING) == [[pending.order_id]]
    assert await my_pages(orders, 10, OrderStatus.DELIVERED) == [[]]


@pytest.mark.parametrize("cursor", ["%%%", encode_cursor(["x"]), encode_cursor(["2026-01-01T00:00:00", "a"])])
async def test_a_forged_cursor_is_refused_naming_cursor(orders: OrdersApp, cursor: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await orders.list_mine(ListMine(ANN, None, PageRequest(5, cursor)))
    assert [e.field for e in raised.value.errors] == ["cursor"]


async def test_i_read_my_order_and_nobody_else_does(orders: OrdersApp) -> None:
    order = await orders.placed()
    assert await orders.show(ShowOrder(ANN, order.order_id)) == order
    with pytest.raises(NotFound, match=r"^no such order$"):
        await orders.show(ShowOrder(BOB, order.order_id))
    with pytest.raises(NotFound, match=r"^no such order$"):
        await orders.show(ShowOrder(ANN, "no-such-order"))


@pytest.mark.parametrize("paid", [False, True])
async def test_i_cancel_before_shipment(orders: OrdersApp, published: Published, paid: bool) -> None:
    order = await (orders.paid() if paid else orders.placed())

    view = await orders.cancel(CancelOrder(ANN, order.order_id, "  found it   cheaper "))

    assert (view.status, view.cancel_reason, view.cancelled_by) == (
        OrderStatus.CANCELLED,
        "found it cheaper",
        "customer",
    )
    [event] = published.of(OrderCancelled)
    assert (event.by, event.reason, event.previous_status) == (
        "customer",
        "found it cheaper",
        "paid" if paid else "pending",
    )


async def test_a_reason_is_optional(orders: OrdersApp, published: Published) -> None:
    order = await orders.placed()
    view = await orders.cancel(CancelOrder(ANN, order.order_id))
    assert (view.status, view.cancel_reason) == (OrderStatus.CANCELLED, None)
    assert published.of(OrderCancelled)[0].reason == ""


async def test_a_shipped_or_cancelled_order_cannot_be_cancelled(orders: OrdersApp) -> None:
    shipped = await orders.paid(key="k1")
    await orders.desk.mark_shipped(shipped.order_id)
    cancelled = await orders.placed(key="k2")
    await orders.cancel(CancelOrder(ANN, cancelled.order_id))

    with pytest.raises(Conflict, match="shipped order can no longer be cancelled; request a return"):
        await orders.cancel(CancelOrder(ANN, shipped.order_id))
    with pytest.raises(Conflict, match="cancelled order can no longer be cancelled"):
        await orders.cancel(CancelOrder(ANN, cancelled.order_id))


@pytest.mark.parametrize(("reason", "message"), [("x" * 501, "at most 500"), ("ring\u0007", "control characters")])
async def test_a_bad_cancel_reason_is_refused_and_changes_nothing(orders: OrdersApp, reason: str, message: str) -> None:
    order = await orders.placed()
    with pytest.raises(ValidationFailed, match=message) as raised:
        await orders.cancel(CancelOrder(ANN, order.order_id, reason))
    assert [e.field for e in raised.value.errors] == ["reason"]
    assert (await orders.show(ShowOrder(ANN, order.order_id))).status is OrderStatus.PENDING


async def test_nobody_cancels_another_customers_order(orders: OrdersApp) -> None:
    order = await orders.placed()
    with pytest.raises(NotFound):
        await orders.cancel(CancelOrder(BOB, order.order_id))
    assert (await orders.show(ShowOrder(ANN, order.order_id))).status is OrderStatus.PENDING


async def test_i_return_a_delivered_order_within_the_window(orders: OrdersApp, published: Published) -> None:
    order = await orders.delivered(blue_teapot=2)
    orders.clock.advance(RETURN_WINDOW_DAYS * DAY)  # the last moment of the window

    view = await orders.request_return(ReturnOrder(ANN, order.order_id, "it leaks"))

    assert (view.status, view.return_reason) == (OrderStatus.RETURN_REQUESTED, "it leaks")
    [event] = published.of(ReturnRequested)
    assert (event.reason, event.amount) == ("it leaks", eur(5000))


async def test_after_the_window_a_return_is_a_conflict(orders: OrdersApp) -> None:
    order = await orders.delivered()
    orders.clock.advance(RETURN_WINDOW_DAYS * DAY + 1)
    with pytest.raises(Conflict, match="return window closed"):
        await orders.request_return(ReturnOrder(ANN, order.order_id, "it leaks"))
    assert (await orders.show(ShowOrder(ANN, order.order_id))).status is OrderStatus.DELIVERED


async def test_only_a_delivered_order_goes_back(orders: OrdersApp) -> None:
    order = await orders.paid()
    with pytest.raises(Conflict, match="a paid order cannot become return requested"):
        await orders.request_return(ReturnOrder(ANN, order.order_id, "it leaks"))


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
async def test_a_return_needs_a_reason(orders: OrdersApp, reason: str) -> None:
    order = await orders.delivered()
    with pytest.raises(ValidationFailed) as raised:
        await orders.request_return(ReturnOrder(ANN, order.order_id, reason))
    assert [e.field for e in raised.value.errors] == ["reason"]


async def test_nobody_returns_another_customers_order(orders: OrdersApp) -> None:
    order = await orders.delivered()
    with pytest.raises(NotFound):
        await orders.request_return(ReturnOrder(BOB, order.order_id, "mine now"))
