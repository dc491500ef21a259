"""The order state machine through the sagas' desk: every move an event, every other move a Conflict."""

from __future__ import annotations

import pytest

from core.orders.commands import ReturnOrder
from core.orders.events import (
    OrderAwaitingPayment,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderRefunded,
    OrderShipped,
    ReturnRefused,
)
from core.orders.model import OrderStatus
from core.shared.errors import Conflict, NotFound
from tests.unit.harness import Published

from .conftest import ANN, OrdersApp, eur


async def status(orders: OrdersApp, order_id: str) -> OrderStatus:
    stored = await orders.stored(order_id)
    assert stored is not None
    return stored.status


async def test_the_happy_path_records_each_move(orders: OrdersApp, published: Published) -> None:
    order = await orders.placed()
    desk = orders.desk
    for move, expected in [
        (desk.await_payment, OrderStatus.AWAITING_PAYMENT),
        (desk.confirm, OrderStatus.PAID),
        (desk.mark_shipped, OrderStatus.SHIPPED),
        (desk.mark_delivered, OrderStatus.DELIVERED),
    ]:
        orders.clock.advance(60)
        await move(order.order_id)
        assert await status(orders, order.order_id) is expected

    stored = await orders.stored(order.order_id)
    assert stored is not None
    assert [h.status for h in stored.history] == [
        OrderStatus.PENDING,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ]
    assert stored.delivered_at == orders.clock.now()
    assert [len(published.of(e)) for e in (OrderAwaitingPayment, OrderConfirmed, OrderShipped, OrderDelivered)] == [
        1,
        1,
        1,
        1,
    ]
    assert published.of(OrderConfirmed)[0].total == eur(2500)


async def test_every_desk_call_is_a_no_op_when_repeated(orders: OrdersApp, published: Published) -> None:
    order = await orders.placed()
    desk = orders.desk
    for move in (desk.await_payment, desk.confirm, desk.mark_shipped, desk.mark_delivered):
        await move(order.order_id)
        await move(order.order_id)
    published.clear()
    stored = await orders.stored(order.order_id)

    await desk.mark_delivered(order.order_id)

    assert await orders.stored(order.order_id) == stored
    assert published.types() == []


@pytest.mark.parametrize(
    ("reach", "move"),
    [
        ([], "confirm"),
        ([], "mark_shipped"),
        ([], "mark_delivered"),
        (["await_payment"], "mark_shipped"),
        (["await_payment", "confirm"], "mark_delivered"),
        (["await_payment", "confirm"], "await_payment"),
        (["await_payment", "confirm", "mark_shipped"], "confirm"),
        (["await_payment", "confirm", "mark_shipped"], "cancel"),
        (["await_payment", "confirm", "mark_shipped", "mark_delivered"], "cancel"),
        (["cancel"], "await_payment"),
        (["cancel"], "confirm"),
        (["await_payment", "cancel"], "mark_shipped"),
        ([], "refuse_return"),
        (["await_payment", "confirm"], "mark_refunded"),
        (["await_payment", "confirm", "mark_shipped", "mark_delivered"], "mark_refunded"),
    ],
)
async def test_a_forbidden_move_is_a_conflict_and_changes_nothing(
    orders: OrdersApp, published: Published, reach: list[str], move: str
) -> None:
    order = await orders.placed()
    for step in reach:
        await call(orders, step, order.order_id)
    before = await orders.stored(order.order_id)
    published.clear()

    with pytest.raises(Conflict, match=r"cannot become|can no longer be cancelled"):
        await call(orders, move, order.order_id)

    assert await orders.stored(order.order_id) == before
    assert published.types() == []


async def call(orders: OrdersApp, move: str, order_id: str) -> None:
    desk = orders.desk
    if move == "cancel":
        await desk.cancel(order_id, "out of stock")
    elif move == "mark_refunded":
        await desk.mark_refunded(order_id, eur(2500))
    elif move == "refuse_return":
        await desk.refuse_return(order_id, "the parcel came back empty")
    else:
        await getattr(desk, move)(order_id)


@pytest.mark.parametrize("reach", [[], ["await_payment"], ["await_payment", "confirm"]])
async def test_the_system_cancels_before_shipment_saying_what_it_left(
    orders: OrdersApp, published: Published, reach: list[str]
) -> None:
    order = await orders.placed()
    for step in reach:
        await call(orders, step, order.order_id)
    left = await status(orders, order.order_id)

    await orders.desk.cancel(order.order_id, "payment declined")
    await orders.desk.cancel(order.order_id, "payment declined")

    stored = await orders.stored(order.order_id)
    assert stored is not None
    assert (stored.status, stored.cancel_reason, stored.cancelled_by) == (
        OrderStatus.CANCELLED,
        "payment declined",
        "system",
    )
    [event] = published.of(OrderCancelled)
    assert (event.reason, event.by, event.previous_status) == ("payment declined", "system", left.value)


async def test_a_lost_parcel_is_refunded(orders: OrdersApp, published: Published) -> None:
    order = await orders.paid()
    await orders.desk.mark_shipped(order.order_id)

    await orders.desk.mark_refunded(order.order_id, eur(2500))
    await orders.desk.mark_refunded(order.order_id, eur(2500))

    stored = await orders.stored(order.order_id)
    assert stored is not None
    assert (stored.status, stored.refunded) == (OrderStatus.REFUNDED, eur(2500))
    assert [e.amount for e in published.of(OrderRefunded)] == [eur(2500)]


async def test_a_return_is_refunded_or_refused(orders: OrdersApp, published: Published) -> None:
    first = await orders.delivered(key="k1")
    second = await orders.delivered(key="k2")
    for order in (first, second):
        await orders.request_return(ReturnOrder(ANN, order.order_id, "too small"))

    await orders.desk.mark_refunded(first.order_id, eur(2500))
    await orders.desk.refuse_return(second.order_id, "the parcel came back empty")
    await orders.desk.refuse_return(second.order_id, "the parcel came back empty")

    assert await status(orders, first.order_id) is OrderStatus.REFUNDED
    refused = await orders.stored(second.order_id)
    assert refused is not None
    assert (refused.status, refused.return_refusal) == (OrderStatus.DELIVERED, "the parcel came back empty")
    assert [e.reason for e in published.of(ReturnRefused)] == ["the parcel came back empty"]


@pytest.mark.parametrize("amount", [eur(2501), eur(0), eur(-1)])
async def test_a_refund_that_does_not_fit_the_order_is_a_conflict(orders: OrdersApp, amount: object) -> None:
    order = await orders.paid()
    await orders.desk.mark_shipped(order.order_id)
    with pytest.raises(Conflict, match="does not fit"):
        await orders.desk.mark_refunded(order.order_id, amount)  # type: ignore[arg-type]
    assert await status(orders, order.order_id) is OrderStatus.SHIPPED


async def test_an_unknown_order_is_not_found(orders: OrdersApp) -> None:
    with pytest.raises(NotFound):
        await orders.desk.confirm("no-such-order")


async def test_a_move_that_lost_a_race_is_decided_again(orders: OrdersApp) -> None:
    """The customer cancels while the saga confirms: the saga's read is stale, it reads again and is refused."""
    order = await orders.placed()
    await orders.desk.await_payment(order.order_id)
    async with orders.uow() as stale:
        read = await stale.orders.get(order.order_id)
    assert read is not None
    await orders.desk.cancel(order.order_id, "changed my mind")

    with pytest.raises(Conflict, match="cannot become paid"):
        await orders.desk.confirm(order.order_id)
    assert await status(orders, order.order_id) is OrderStatus.CANCELLED
