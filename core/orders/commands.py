"""Commands and results of the orders use cases. No view ever shows the payment token."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.orders.model import OrderStatus
from core.shared.addresses import PostalAddress
from core.shared.money import Money
from core.shared.pagination import PageRequest
from core.shared.security import Principal


@attrs.frozen
class PlaceOrder:
    """Checkout: the caller's cart becomes an order. One order per (customer, idempotency key)."""

    principal: Principal
    idempotency_key: str
    address_id: str
    payment_token: str = attrs.field(repr=False)


@attrs.frozen
class ListMine:
    principal: Principal
    status: OrderStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class ShowOrder:
    principal: Principal
    order_id: str


@attrs.frozen
class CancelOrder:
    principal: Principal
    order_id: str
    reason: str | None = None


@attrs.frozen
class ReturnOrder:
    principal: Principal
    order_id: str
    reason: str


@attrs.frozen
class ListForSeller:
    principal: Principal
    status: OrderStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class LinesReady:
    """The seller packed their lines of the order."""

    principal: Principal
    order_id: str


@attrs.frozen
class ListAll:
    principal: Principal
    status: OrderStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class LineView:
    """A line as bought: the price and seller of the moment of checkout."""

    product_id: str
    seller_id: str
    title: str
    unit_price: Money
    quantity: int
    line_total: Money
    ready_at: datetime | None


@attrs.frozen
class StatusChangeView:
    status: OrderStatus
    at: datetime


@attrs.frozen
class OrderView:
    """An order as its customer (or an admin) sees it."""

    order_id: str
    customer_id: str
    status: OrderStatus
    lines: list[LineView]
    total: Money
    address: PostalAddress
    placed_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    cancel_reason: str | None
    cancelled_by: str | None
    return_reason: str | None
    return_refusal: str | None
    refunded: Money | None
    history: list[StatusChangeView]


@attrs.frozen
class CheckoutResult:
    """``placed`` is False when the idempotency key was seen before: ``order`` is the order it made then."""

    order: OrderView
    placed: bool


@attrs.frozen
class SellerOrderView:
    """What a seller sees of an order: only their own lines, and no customer data but the status."""

    order_id: str
    status: OrderStatus
    lines: list[LineView]
    subtotal: Money
    ready_to_ship: bool
    placed_at: datetime
    paid_at: datetime | None
