"""Sellers see and prepare their own lines of paid orders; admins list every order."""

from __future__ import annotations

import pytest

from core.orders.commands import LinesReady, ListAll, ListForSeller, ShowOrder
from core.orders.events import OrderLinesReady, OrderReadyToShip
from core.orders.model import OrderStatus
from core.shared.errors import Conflict, NotFound, PermissionDenied
from core.shared.pagination import PageRequest
from tests.unit.harness import Published

from .conftest import ADMIN, ANN, BOB, POTTER, WEAVER, OrdersApp, eur


async def test_a_seller_sees_only_their_lines_of_paid_and_later_orders(orders: OrdersApp) -> None:
    await orders.placed(key="k1", blue_teapot=1)  # never paid: not shown
    both = await orders.paid(key="k2", blue_teapot=2, wool_scarf=1)
    orders.clock.advance(1)
    weaver_only = await orders.paid(key="k3", wool_scarf=1)
    orders.clock.advance(1)
    cancelled = await orders.paid(key="k4", green_mug=3)
    await orders.desk.cancel(cancelled.order_id, "payment voided")

    potter = await orders.seller_orders(ListForSeller(POTTER))
    weaver = await orders.seller_orders(ListForSeller(WEAVER))

    assert [o.order_id for o in potter.items] == [cancelled.order_id, both.order_id]
    assert [o.order_id for o in weaver.items] == [weaver_only.order_id, both.order_id]
    mine = potter.items[1]
    assert [(line.product_id, line.quantity) for line in mine.lines] == [("blue-teapot", 2)]
    assert (mine.subtotal, mine.status, mine.ready_to_ship) == (eur(5000), OrderStatus.PAID, False)
    assert [o.order_id for o in (await orders.seller_orders(ListForSeller(POTTER, OrderStatus.PAID))).items] == [
        both.order_id
    ]


async def test_a_sellers_list_pages(orders: OrdersApp) -> None:
    made = []
    for n in range(3):
        made.append((await orders.paid(key=f"k{n}")).order_id)
        orders.clock.advance(1)
    first = await orders.seller_orders(ListForSeller(POTTER, None, PageRequest(2)))
    assert first.next_cursor is not None
    second = await orders.seller_orders(ListForSeller(POTTER, None, PageRequest(2, first.next_cursor)))
    assert [o.order_id for o in [*first.items, *second.items]] == made[::-1]
    assert second.next_cursor is None


async def test_a_customer_is_no_seller(orders: OrdersApp) -> None:
    with pytest.raises(PermissionDenied):
        await orders.seller_orders(ListForSeller(ANN))
    with pytest.raises(PermissionDenied):
        await orders.mark_ready(LinesReady(ANN, "any"))


async def test_the_order_is_ready_to_ship_once_every_seller_marked_their_lines(
    orders: OrdersApp, published: Published
) -> None:
    order = await orders.paid(blue_teapot=1, green_mug=2, wool_scarf=1)

    potter = await orders.mark_ready(LinesReady(POTTER, order.order_id))

    assert potter.ready_to_ship
    assert [(e.seller_id, e.product_ids) for e in published.of(OrderLinesReady)] == [
        (POTTER.user_id, ["blue-teapot", "green-mug"])
    ]
    assert published.of(OrderReadyToShip) == []

    orders.clock.advance(5)
    await orders.mark_ready(LinesReady(WEAVER, order.order_id))

    assert [e.order_id for e in published.of(OrderReadyToShip)] == [order.order_id]
    view = await orders.show(ShowOrder(ANN, order.order_id))
    assert [line.ready_at is not None for line in view.lines] == [True, True, True]
    assert view.lines[2].ready_at == orders.clock.now()


async def test_marking_ready_again_changes_nothing(orders: OrdersApp, published: Published) -> None:
    order = await orders.paid()
    await orders.mark_ready(LinesReady(POTTER, order.order_id))
    before = await orders.stored(order.order_id)
    published.clear()

    again = await orders.mark_ready(LinesReady(POTTER, order.order_id))

    assert again.ready_to_ship
    assert await orders.stored(order.order_id) == before
    assert published.types() == []


async def test_an_order_without_the_sellers_lines_or_never_paid_is_not_found(orders: OrdersApp) -> None:
    theirs = await orders.paid(key="k1", wool_scarf=1)
    unpaid = await orders.placed(key="k2", blue_teapot=1)
    for order_id in (theirs.order_id, unpaid.order_id, "no-such-order"):
        with pytest.raises(NotFound, match=r"^no such order$"):
            await orders.mark_ready(LinesReady(POTTER, order_id))


async def test_a_cancelled_order_cannot_be_prepared(orders: OrdersApp) -> None:
    order = await orders.paid()
    await orders.desk.cancel(order.order_id, "payment voided")
    with pytest.raises(Conflict, match="only a paid order can be prepared"):
        await orders.mark_ready(LinesReady(POTTER, order.order_id))


async def test_an_admin_lists_every_order_by_status(orders: OrdersApp) -> None:
    ann = await orders.placed(ANN, "k1")
    orders.clock.advance(1)
    bob = await orders.paid(BOB, "k1")

    every = await orders.list_all(ListAll(ADMIN))
    paid = await orders.list_all(ListAll(ADMIN, OrderStatus.PAID))

    assert [o.order_id for o in every.items] == [bob.order_id, ann.order_id]
    assert [o.order_id for o in paid.items] == [bob.order_id]
    with pytest.raises(PermissionDenied):
        await orders.list_all(ListAll(POTTER))
