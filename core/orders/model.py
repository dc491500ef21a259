"""Orders: what a customer bought at checkout, and the order's life until delivery, return or refund.

The state machine (every move is an event of core/orders/events.py; any other move is a ``Conflict``)::

    pending -> awaiting_payment -> paid -> shipped -> delivered -> return_requested -> refunded
       \\____________\\______________\\--> cancelled           ^         |  (ReturnRefused)
                                 shipped -> refunded (a lost parcel)     \\--> delivered

Lines keep the price, title and seller of the moment of checkout; each seller marks their own lines
ready, and the order is ready to ship once every line is.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

import attrs

from core.orders.events import (
    OrderAwaitingPayment,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderLine,
    OrderLinesReady,
    OrderPlaced,
    OrderReadyToShip,
    OrderRefunded,
    OrderShipped,
    ReturnRefused,
    ReturnRequested,
)
from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict, Validation
from core.shared.events import Aggregate
from core.shared.money import Money
from core.shared.pagination import moment_key

REASON_MAX = 500
IDEMPOTENCY_KEY = "Idempotency-Key"  # the header (and the field a bad key is reported under)
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_\-:.]{1,100}", re.ASCII)
_PAYMENT_TOKEN = re.compile(r"[A-Za-z0-9_]{1,100}", re.ASCII)


class OrderStatus(StrEnum):
    PENDING = "pending"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    REFUNDED = "refunded"


# Before shipment the order can still be called off.
CANCELLABLE = frozenset({OrderStatus.PENDING, OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID})
CUSTOMER, SYSTEM = "customer", "system"


class DuplicateCheckout(Conflict):
    """The customer already placed an order with this idempotency key (the repository's unique rule)."""

    def __init__(self) -> None:
        super().__init__("an order with this Idempotency-Key exists already")


def check_idempotency_key(v: Validation, key: str) -> str:
    v.check(
        bool(_IDEMPOTENCY_KEY.fullmatch(key)),
        IDEMPOTENCY_KEY,
        "must be 1 to 100 letters, digits, _, -, : or . (a fresh random value per checkout, such as a UUID)",
    )
    return key


def check_payment_token(v: Validation, token: str) -> str:
    v.check(
        bool(_PAYMENT_TOKEN.fullmatch(token)),
        "payment_token",
        "must be the payment gateway's card token: 1 to 100 letters, digits or _",
    )
    return token


def check_reason(v: Validation, value: str, *, required: bool, field: str = "reason") -> str:
    """One line of text, its runs of whitespace folded to one space."""
    if any(ord(c) < 32 and c != "\t" for c in value):
        v.add(field, "must not contain control characters")
        return value
    text = " ".join(value.split())
    if required and not text:
        v.add(field, "must not be empty")
    elif len(text) > REASON_MAX:
        v.add(field, f"must be at most {REASON_MAX} characters")
    return text


@attrs.define
class Line:
    """A line as bought, and when its seller marked it ready to ship."""

    bought: OrderLine
    ready_at: datetime | None = None

    @property
    def total(self) -> Money:
        return self.bought.unit_price * self.bought.quantity


@attrs.frozen
class StatusChange:
    status: OrderStatus
    at: datetime


@attrs.define
class Order(Aggregate):
    """One checkout: one customer, one currency, one address. ``version`` guards concurrent changes."""

    id: str
    customer_id: str
    status: OrderStatus
    lines: list[Line]
    total: Money
    address: PostalAddress
    idempotency_key: str
    placed_at: datetime
    updated_at: datetime
    paid_at: datetime | None = None  # sellers see an order once it was paid (even if cancelled later)
    delivered_at: datetime | None = None
    cancel_reason: str | None = None
    cancelled_by: str | None = None
    return_reason: str | None = None
    return_refusal: str | None = None  # why the refund of the last return was refused
    refunded: Money | None = None
    history: list[StatusChange] = attrs.Factory(list)
    version: int = 0

    @classmethod
    def place(
        cls,
        *,
        order_id: str,
        customer_id: str,
        lines: list[OrderLine],
        address: PostalAddress,
        idempotency_key: str,
        payment_token: str,
        now: datetime,
    ) -> Order:
        if not lines:
            raise Conflict("your cart is empty")
        currency = lines[0].unit_price.currency
        total = Money.zero(currency)
        for line in lines:
            total = total + line.unit_price * line.quantity  # raises on a second currency
        order = cls(
            id=order_id,
            customer_id=customer_id,
            status=OrderStatus.PENDING,
            lines=[Line(line) for line in lines],
            total=total,
            address=address,
            idempotency_key=idempotency_key,
            placed_at=now,
            updated_at=now,
            history=[StatusChange(OrderStatus.PENDING, now)],
        )
        order.record(
            OrderPlaced(
                occurred_at=now,
                order_id=order.id,
                customer_id=customer_id,
                lines=list(lines),
                total=total,
                address=address,
                payment_token=payment_token,
            )
        )
        return order

    @property
    def seller_ids(self) -> list[str]:
        return sorted({line.bought.seller_id for line in self.lines})

    def lines_of(self, seller_id: str) -> list[Line]:
        return [line for line in self.lines if line.bought.seller_id == seller_id]

    @property
    def ready_to_ship(self) -> bool:
        return all(line.ready_at is not None for line in self.lines)

    def _move(self, allowed_from: frozenset[OrderStatus], to: OrderStatus, now: datetime) -> OrderStatus:
        if self.status not in allowed_from:
            raise Conflict(f"a {_words(self.status)} order cannot become {_words(to)}")
        previous, self.status = self.status, to
        self.updated_at = now
        self.history.append(StatusChange(to, now))
        return previous

    def await_payment(self, now: datetime) -> None:
        self._move(frozenset({OrderStatus.PENDING}), OrderStatus.AWAITING_PAYMENT, now)
        self.record(OrderAwaitingPayment(occurred_at=now, order_id=self.id, customer_id=self.customer_id))

    def confirm(self, now: datetime) -> None:
        """The payment is authorized."""
        self._move(frozenset({OrderStatus.AWAITING_PAYMENT}), OrderStatus.PAID, now)
        self.paid_at = now
        self.record(OrderConfirmed(occurred_at=now, order_id=self.id, customer_id=self.customer_id, total=self.total))

    def mark_ready(self, seller_id: str, now: datetime) -> list[str]:
        """The seller's lines are packed: return the products newly marked (none on a repeat)."""
        waiting = [line for line in self.lines_of(seller_id) if line.ready_at is None]
        if not waiting:
            return []
        if self.status is not OrderStatus.PAID:
            raise Conflict(f"only a paid order can be prepared; this one is {_words(self.status)}")
        for line in waiting:
            line.ready_at = now
        self.updated_at = now
        product_ids = [line.bought.product_id for line in waiting]
        self.record(OrderLinesReady(occurred_at=now, order_id=self.id, seller_id=seller_id, product_ids=product_ids))
        if self.ready_to_ship:
            self.record(OrderReadyToShip(occurred_at=now, order_id=self.id, customer_id=self.customer_id))
        return product_ids

    def ship(self, now: datetime) -> None:
        self._move(frozenset({OrderStatus.PAID}), OrderStatus.SHIPPED, now)
        self.record(OrderShipped(occurred_at=now, order_id=self.id, customer_id=self.customer_id))

    def deliver(self, now: datetime) -> None:
        self._move(frozenset({OrderStatus.SHIPPED}), OrderStatus.DELIVERED, now)
        self.delivered_at = now
        self.record(OrderDelivered(occurred_at=now, order_id=self.id, customer_id=self.customer_id))

    def cancel(self, reason: str, by: str, now: datetime) -> None:
        if self.status not in CANCELLABLE:
            raise Conflict(
                f"a {_words(self.status)} order can no longer be cancelled"
                + ("; request a return once it is delivered" if self.status is OrderStatus.SHIPPED else "")
            )
        previous = self._move(CANCELLABLE, OrderStatus.CANCELLED, now)
        self.cancel_reason = reason or None
        self.cancelled_by = by
        self.record(
            OrderCancelled(
                occurred_at=now,
                order_id=self.id,
                customer_id=self.customer_id,
                reason=reason,
                by=by,
                previous_status=previous.value,
            )
        )

    def request_return(self, reason: str, window: timedelta, now: datetime) -> None:
        if self.status is OrderStatus.DELIVERED and self.delivered_at is not None:
            closes = self.delivered_at + window
            if now > closes:
                raise Conflict(f"the return window closed on {closes.date().isoformat()}")
        self._move(frozenset({OrderStatus.DELIVERED}), OrderStatus.RETURN_REQUESTED, now)
        self.return_reason = reason
        self.record(
            ReturnRequested(
                occurred_at=now, order_id=self.id, customer_id=self.customer_id, reason=reason, amount=self.total
            )
        )

    def refuse_return(self, reason: str, now: datetime) -> None:
        self._move(frozenset({OrderStatus.RETURN_REQUESTED}), OrderStatus.DELIVERED, now)
        self.return_refusal = reason
        self.record(ReturnRefused(occurred_at=now, order_id=self.id, customer_id=self.customer_id, reason=reason))

    def refund(self, amount: Money, now: datetime) -> None:
        """The money went back: after a return, or for a parcel the carrier lost."""
        if amount.currency != self.total.currency or amount.amount <= 0 or self.total < amount:
            raise Conflict(f"a refund of {amount} does not fit an order of {self.total}")
        self._move(frozenset({OrderStatus.RETURN_REQUESTED, OrderStatus.SHIPPED}), OrderStatus.REFUNDED, now)
        self.refunded = amount
        self.record(OrderRefunded(occurred_at=now, order_id=self.id, customer_id=self.customer_id, amount=amount))


def _words(status: OrderStatus) -> str:
    return status.value.replace("_", " ")


def list_position(order: Order) -> list[str]:
    """The keyset cursor of every list of orders (newest first): (placed_at, id)."""
    return moment_key(order.placed_at, order.id)
