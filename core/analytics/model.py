"""The analytics context's model: the event history it keeps, and the business figures read from it.

Every event of every context is kept as it came (its envelope), less what analytics has no business
holding (a delivery address, a payment token, an e-mail address): ``RecordedEvent``. The figures are read
from that history alone, by the definitions below, so the ClickHouse queries and the in-memory adapter
agree by construction (the contract suite holds them to it):

- **an order is placed** when ``orders.OrderPlaced`` is recorded (the checkout), and **paid** when
  ``orders.OrderConfirmed`` is: GMV is the total of the orders paid, counted on the day they were paid;
  a seller's GMV is the value of their own lines in those orders;
- **a refund** is ``payments.PaymentRefunded``; a seller's share of a refund is the refund times the
  share of their lines in the order's total;
- **a payment attempt** is an authorization, granted (``payments.PaymentAuthorized``) or not
  (``payments.PaymentFailed`` of the ``authorize`` operation);
- **the funnel**: for each shopper (a guest's actions count as the user's once they logged in), the
  longest chain view -> add to cart -> checkout -> paid within ``FUNNEL_WINDOW`` of the view, as
  ClickHouse's ``windowFunnel`` counts it; a seller's funnel counts their own products and orders only.
"""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

from core.shared.errors import ValidationFailed
from core.shared.events import EventEnvelope
from core.shared.money import check_currency

# Fields of an event's payload analytics never keeps: personal data and secrets. The figures need none.
PRIVATE_FIELDS = frozenset({"address", "payment_token", "email", "phone", "password", "token", "card"})

# The event types the figures are read from.
PLACED = "orders.OrderPlaced.v1"
PAID = "orders.OrderConfirmed.v1"
REFUNDED = "payments.PaymentRefunded.v1"
AUTHORIZED = "payments.PaymentAuthorized.v1"
PAYMENT_FAILED = "payments.PaymentFailed.v1"
VIEWED = "activity.ProductViewed.v1"
ADDED_TO_CART = "activity.CartItemAdded.v1"
SEARCHED = "activity.SearchMade.v1"
GUEST_CLAIMED = "activity.GuestActivityClaimed.v1"
AUTHORIZE = "authorize"  # PaymentFailed.operation of a failed authorization

# The funnel's steps, in order, and how long after the view a shopper has to get to the end.
FUNNEL_STEPS = (VIEWED, ADDED_TO_CART, PLACED, PAID)
FUNNEL_WINDOW = timedelta(days=1)
# The longest period one question may cover.
MAX_PERIOD = timedelta(days=366)


def _redacted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items() if k not in PRIVATE_FIELDS}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


@attrs.frozen
class RecordedEvent:
    """One row of the event history: the envelope, its payload as JSON text without ``PRIVATE_FIELDS``."""

    event_id: str
    type: str
    occurred_at: datetime
    key: str
    correlation_id: str
    payload: str

    @classmethod
    def of(cls, envelope: EventEnvelope) -> RecordedEvent:
        return cls(
            event_id=envelope.id,
            type=envelope.type,
            occurred_at=envelope.occurred_at.astimezone(UTC),
            key=envelope.key,
            correlation_id=envelope.correlation_id or "",
            payload=json.dumps(_redacted(envelope.payload), separators=(",", ":"), sort_keys=True),
        )

    @property
    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.payload)
        return loaded


@attrs.frozen
class Period:
    """Whole days, UTC, ``start`` to ``end`` both included."""

    start: date
    end: date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationFailed.of("end", "must not be before start")
        if self.end - self.start >= MAX_PERIOD:
            raise ValidationFailed.of("end", f"a period covers at most {MAX_PERIOD.days} days")

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@attrs.frozen
class Scope:
    """What a question covers: a period, a currency, and one seller's products only, or the whole shop."""

    period: Period
    currency: str
    seller_id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_currency(self.currency)


# What the store answers (minor units of the scope's currency; counts).


@attrs.frozen
class DaySales:
    day: date
    orders: int
    gmv: int


@attrs.frozen
class SellerSales:
    seller_id: str
    orders: int
    gmv: int


@attrs.frozen
class ProductSales:
    product_id: str
    title: str
    units: int
    revenue: int


@attrs.frozen
class SearchCount:
    query: str
    searches: int


@attrs.frozen
class RefundTotals:
    refunds: int
    amount: int


@attrs.frozen
class PaymentAttempts:
    attempts: int
    failed: int


@attrs.frozen
class FunnelLevels:
    """How many shoppers reached each step of ``FUNNEL_STEPS`` (the first: viewed a product)."""

    reached: tuple[int, int, int, int]


class Figure(enum.StrEnum):
    """The questions the routes answer (the cache keys them by name)."""

    SALES = "sales"
    SELLERS = "sellers"
    FUNNEL = "funnel"
    TOP_PRODUCTS = "top_products"
    SEARCHES = "searches_without_results"
    PAYMENTS = "payments"


def average(total: int, count: int) -> int:
    """``total / count`` rounded half up, in minor units; 0 for no count."""
    return (2 * total + count) // (2 * count) if count else 0


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
