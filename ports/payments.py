"""What the payments context needs from the outside world: its store. The payment gateway's port is
``ports.payment_gateway``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

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
