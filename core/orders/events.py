"""Events of the orders context: every transition of the order state machine is one.

The orchestrator's checkout saga starts on ``OrderPlaced`` and follows the rest; the cart empties the
ordered lines on ``OrderPlaced``. Change a payload only by adding a new version of the event.
"""

from __future__ import annotations

import attrs

from core.shared.addresses import PostalAddress
from core.shared.events import Event, domain_event
from core.shared.money import Money


@attrs.frozen
class OrderLine:
    """A line as bought: the price and the seller are those of the moment of checkout."""

    product_id: str
    seller_id: str
    title: str
    unit_price: Money
    quantity: int


@domain_event("orders.OrderPlaced.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderPlaced(Event):
    order_id: str
    customer_id: str
    lines: list[OrderLine]
    total: Money
    address: PostalAddress
    # The gateway's token for the customer's card (never card data): the saga authorizes with it.
    payment_token: str


@domain_event("orders.OrderAwaitingPayment.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderAwaitingPayment(Event):
    order_id: str
    customer_id: str


@domain_event("orders.OrderConfirmed.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderConfirmed(Event):
    """The payment is authorized: the order is paid and its sellers may prepare it."""

    order_id: str
    customer_id: str
    total: Money


@domain_event("orders.OrderLinesReady.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderLinesReady(Event):
    """A seller marked their lines of the order ready to ship."""

    order_id: str
    seller_id: str
    product_ids: list[str]


@domain_event("orders.OrderReadyToShip.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderReadyToShip(Event):
    """Every line of the order is ready: the orchestrator books the shipment."""

    order_id: str
    customer_id: str


@domain_event("orders.OrderShipped.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderShipped(Event):
    order_id: str
    customer_id: str


@domain_event("orders.OrderDelivered.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderDelivered(Event):
    order_id: str
    customer_id: str


@domain_event("orders.OrderCancelled.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderCancelled(Event):
    """``by`` is "customer" or "system" (the saga: out of stock, payment declined...); ``previous_status``
    is the status the order left, so the saga knows what to undo."""

    order_id: str
    customer_id: str
    reason: str
    by: str
    previous_status: str


@domain_event("orders.ReturnRequested.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ReturnRequested(Event):
    """The customer sends a delivered order back: the orchestrator's refund saga starts."""

    order_id: str
    customer_id: str
    reason: str
    amount: Money


@domain_event("orders.ReturnRefused.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ReturnRefused(Event):
    order_id: str
    customer_id: str
    reason: str


@domain_event("orders.OrderRefunded.v1", key="order_id")
@attrs.frozen(kw_only=True)
class OrderRefunded(Event):
    order_id: str
    customer_id: str
    amount: Money
