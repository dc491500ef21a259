"""What the payments context needs from the outside world: its store and the external payment gateway.

The gateway is an external API: every call carries an idempotency key, so a call repeated with the same
key (a retry after a timeout, the payment error worker, a second worker) returns the outcome of the first
and moves no money twice. A decline is an answer, not an error. ``GatewayUnavailable`` means the outcome
is unknown (5xx or no answer in time, after the adapter's own retries): ``lookup`` later tells whether the
gateway did it. ``GatewayRejected`` is a 4xx other than a decline: the request itself is wrong, and
repeating it cannot help.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from core.shared.errors import DomainError, Unavailable
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest
from ports.checkout import PaymentStatus
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.payments.model import Payment


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None:
        """Store a new payment; raise ``Conflict`` if its order has one already (one payment per order)."""
        ...

    async def get(self, payment_id: str) -> Payment | None: ...

    async def for_order(self, order_id: str) -> Payment | None: ...

    async def update(self, payment: Payment) -> None:
        """Store the changes and bump ``payment.version``; raise ``Conflict`` if someone else changed the
        payment since it was read (a worker, a webhook or the saga got there first)."""
        ...

    async def due(self, now: datetime, limit: int) -> list[Payment]:
        """In-flight payments whose next attempt is due (``next_attempt_at <= now``), most overdue first."""
        ...

    async def list(self, status: PaymentStatus | None, page: PageRequest) -> Page[Payment]:
        """Payments (of one status, or all), newest first: by (created_at, id) descending."""
        ...


class WebhookLog(Protocol):
    """The gateway's webhook events already handled, so a redelivered one changes nothing."""

    async def remember(self, event_id: str) -> bool:
        """Note the event id in this transaction; False when it was handled before."""
        ...


class PaymentsUnitOfWork(UnitOfWork, Protocol):
    payments: PaymentRepository
    webhooks: WebhookLog


# --- The payment gateway -------------------------------------------------------------------------


class GatewayStatus(StrEnum):
    AUTHORIZED = "authorized"
    DECLINED = "declined"
    CAPTURED = "captured"
    VOIDED = "voided"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class GatewayAuthorization:
    """The answer to an authorization: ``id`` is the authorization's (a declined one has one too)."""

    id: str
    status: GatewayStatus  # AUTHORIZED or DECLINED
    decline_code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class GatewayOperation:
    """The answer to a capture, void or refund of an authorization."""

    id: str
    authorization_id: str
    status: GatewayStatus  # CAPTURED, VOIDED or REFUNDED
    amount: Money | None = None


GatewayOutcome = GatewayAuthorization | GatewayOperation


class GatewayUnavailable(Unavailable):
    """The gateway did not answer (5xx or timeout, after the adapter's retries): the outcome is unknown."""

    code = "gateway_unavailable"


class GatewayRejected(DomainError):
    """The gateway refused the request itself (a 4xx other than a decline): a bug or bad data."""

    code = "gateway_rejected"
    title = "Refused by the payment gateway"

    def __init__(self, message: str, reason: str = "rejected", status: int = 400) -> None:
        super().__init__(message)
        self.reason, self.status = reason, status


class PaymentGateway(Protocol):
    async def authorize(self, key: str, amount: Money, token: str, reference: str) -> GatewayAuthorization: ...

    async def capture(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation: ...

    async def void(self, key: str, authorization_id: str) -> GatewayOperation: ...

    async def refund(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation: ...

    async def lookup(self, key: str) -> GatewayOutcome | None:
        """The stored outcome of the operation made with ``key``; None when the gateway never processed it."""
        ...
