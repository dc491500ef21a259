"""Commands and results of the payments use cases."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.shared.money import Money
from core.shared.pagination import PageRequest
from core.shared.security import Principal
from ports.checkout import PaymentStatus


@attrs.frozen
class GetOrderPayment:
    """The customer's own order's payment (another user's order reads as no payment at all)."""

    principal: Principal
    order_id: str


@attrs.frozen
class ListPayments:
    principal: Principal
    status: PaymentStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class RetryDue:
    """One pass of the payment error worker over at most ``limit`` due payments."""

    limit: int = 50


@attrs.frozen
class GatewayEvent:
    """A webhook event of the gateway, already authenticated (its signature checked, or in-process)."""

    event_id: str
    type: str
    idempotency_key: str
    authorization_id: str | None
    reference: str | None
    amount: Money | None
    decline_code: str | None = None


@attrs.frozen
class HistoryView:
    at: datetime
    status: PaymentStatus
    note: str | None


@attrs.frozen
class PaymentView:
    """A payment as its customer sees it: never the card token."""

    payment_id: str
    order_id: str
    status: PaymentStatus
    amount: Money
    captured: Money | None
    refunded: Money | None
    failure: str | None
    created_at: datetime
    updated_at: datetime
    history: list[HistoryView]


@attrs.frozen
class PaymentSummary:
    """What an admin sees of a payment, with the retry state of an operation in flight."""

    payment_id: str
    order_id: str
    customer_id: str
    status: PaymentStatus
    amount: Money
    captured: Money | None
    refunded: Money | None
    authorization_id: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    failure: str | None
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class WebhookReceipt:
    """What came of a webhook event: "applied", "duplicate" (seen before) or "stale" (nothing to settle)."""

    event_id: str
    result: str
