"""Orders routes: checkout and the customer's orders, the seller's order lines, the admin's list."""

from __future__ import annotations

from typing import Any

import attrs
from aiohttp import web

from core.orders import commands as c
from core.orders import use_cases as uc
from core.orders.model import IDEMPOTENCY_KEY, REASON_MAX, OrderStatus
from core.shared.errors import ValidationFailed
from core.shared.pagination import MAX_LIMIT, PageRequest
from entrypoints.http.routing import ADMIN, SELLER, Call, Endpoint
from entrypoints.http.schema import dump, limits

TAG = "orders"


@attrs.frozen
class CheckoutBody:
    """Check out the caller's whole cart to one of their addresses. ``payment_token`` is the payment
    gateway's token for the card (never card data); it is used to pay and never shown again."""

    address_id: str = attrs.field(metadata=limits(min_length=1, max_length=uc.ADDRESS_ID_MAX))
    payment_token: str = attrs.field(repr=False, metadata=limits(min_length=1, max_length=100))


@attrs.frozen
class CancelBody:
    """Why (optional)."""

    reason: str | None = attrs.field(default=None, metadata=limits(max_length=REASON_MAX))


@attrs.frozen
class ReturnBody:
    """Why the order goes back."""

    reason: str = attrs.field(metadata=limits(min_length=1, max_length=REASON_MAX))


@attrs.frozen
class OrdersQuery:
    status: OrderStatus | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class OrderPage:
    items: list[c.OrderView]
    next_cursor: str | None


@attrs.frozen
class SellerOrderPage:
    items: list[c.SellerOrderView]
    next_cursor: str | None


async def place_order(call: Call[CheckoutBody, None]) -> web.StreamResponse:
    key = call.request.headers.get(IDEMPOTENCY_KEY)
    if key is None:
        raise ValidationFailed.of(IDEMPOTENCY_KEY, "is required: a fresh random value per checkout, such as a UUID")
    command = c.PlaceOrder(call.user, key, call.body.address_id, call.body.payment_token)
    result = await call.resolve(uc.Checkout)(command)
    # A key seen before answers with the order it made then: 200 rather than 201.
    return web.json_response(dump(result.order), status=201 if result.placed else 200)


async def list_my_orders(call: Call[None, OrdersQuery]) -> OrderPage:
    q = call.query
    page = await call.resolve(uc.ListMyOrders)(c.ListMine(call.user, q.status, PageRequest(q.limit, q.cursor)))
    return OrderPage(list(page.items), page.next_cursor)


async def get_my_order(call: Call[None, None]) -> c.OrderView:
    return await call.resolve(uc.ShowMyOrder)(c.ShowOrder(call.user, call.path("order_id")))


async def cancel_my_order(call: Call[CancelBody, None]) -> c.OrderView:
    command = c.CancelOrder(call.user, call.path("order_id"), call.body.reason)
    return await call.resolve(uc.CancelMyOrder)(command)


async def return_my_order(call: Call[ReturnBody, None]) -> c.OrderView:
    command = c.ReturnOrder(call.user, call.path("order_id"), call.body.reason)
    return await call.resolve(uc.RequestReturn)(command)


async def list_seller_orders(call: Call[None, OrdersQuery]) -> SellerOrderPage:
    q = call.query
    command = c.ListForSeller(call.user, q.status, PageRequest(q.limit, q.cursor))
    page = await call.resolve(uc.ListSellerOrders)(command)
    return SellerOrderPage(list(page.items), page.next_cursor)


async def mark_lines_ready(call: Call[None, None]) -> c.SellerOrderView:
    return await call.resolve(uc.MarkLinesReady)(c.LinesReady(call.user, call.path("order_id")))


async def list_all_orders(call: Call[None, OrdersQuery]) -> OrderPage:
    q = call.query
    page = await call.resolve(uc.ListOrders)(c.ListAll(call.user, q.status, PageRequest(q.limit, q.cursor)))
    return OrderPage(list(page.items), page.next_cursor)


def _orders(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, tag=TAG, **kw)


_MINE = "/orders/{order_id}"

ENDPOINTS = [
    _orders(
        "POST",
        "/orders",
        place_order,
        "Check out: the cart becomes an order",
        body=CheckoutBody,
        response=c.OrderView,
        status=201,
        also=((200, "The order an earlier checkout with the same Idempotency-Key made: nothing new was made"),),
        errors=(409,),
        rate_limit="checkout",
        description=f"Send a fresh `{IDEMPOTENCY_KEY}` header (1 to 100 letters, digits, `_-:.`) per checkout: a "
        "retry with the same key answers 200 with the order the first attempt made, never a second order. "
        "Lines take today's price, title and seller; an empty cart, or a line that cannot be bought or asks "
        "more than is available, is a 409; a cart in more than one currency a 422 naming `cart`. The order "
        "starts `pending`; payment and stock follow from the checkout saga.",
    ),
    _orders(
        "GET",
        "/orders",
        list_my_orders,
        "The caller's orders, newest first",
        query=OrdersQuery,
        response=OrderPage,
    ),
    _orders("GET", _MINE, get_my_order, "One of the caller's orders", response=c.OrderView, errors=(404,)),
    _orders(
        "POST",
        _MINE + "/cancel",
        cancel_my_order,
        "Cancel an order before it ships",
        body=CancelBody,
        response=c.OrderView,
        errors=(404, 409),
        description="A pending, awaiting-payment or paid order; the stock is released and the payment voided "
        "or refunded by the saga.",
    ),
    _orders(
        "POST",
        _MINE + "/return",
        return_my_order,
        "Send a delivered order back",
        body=ReturnBody,
        response=c.OrderView,
        errors=(404, 409),
        description="Only a delivered order, within the return window after its delivery; the refund follows.",
    ),
    _orders(
        "GET",
        "/orders",
        list_seller_orders,
        "Orders with the seller's lines (paid and later), newest first",
        group=SELLER,
        query=OrdersQuery,
        response=SellerOrderPage,
        description="Each order shows only the caller's own lines.",
    ),
    _orders(
        "POST",
        _MINE + "/ready",
        mark_lines_ready,
        "Mark the seller's lines of a paid order ready to ship",
        group=SELLER,
        response=c.SellerOrderView,
        errors=(404, 409),
        description="Once every seller of the order has, the order is ready to ship. A repeat changes nothing.",
    ),
    _orders(
        "GET",
        "/orders",
        list_all_orders,
        "Every order, newest first",
        group=ADMIN,
        query=OrdersQuery,
        response=OrderPage,
    ),
]
