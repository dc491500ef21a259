"""In-memory adapters of the payments ports; they behave exactly as ``adapters.postgres.payments``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.payments.model import OPERATION_OF, Payment, list_position
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.checkout import PaymentStatus
from ports.payments import PaymentRepository, WebhookLog
from ports.shared import EventPublisher

# The gateway redelivers a webhook for a few days at most: an event id handled longer ago is forgotten.
WEBHOOK_RETENTION_SECONDS = 7 * 24 * 3600


class PaymentsTables:
    def __init__(
        self,
        webhook_retention_seconds: float = WEBHOOK_RETENTION_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.payments = MemoryTable("payments")
        self.by_order = MemoryTable("payments_by_order")  # order id -> payment id
        # event id -> when it was handled (monotonic); in the order handled, so the oldest come first
        self.webhooks = MemoryTable("payment_webhook_events")
        self.webhook_retention_seconds, self.monotonic = webhook_retention_seconds, monotonic

    def forget_old_webhooks(self) -> None:
        rows, horizon = self.webhooks.rows, self.monotonic() - self.webhook_retention_seconds
        while rows and rows[first := next(iter(rows))] <= horizon:
            del rows[first]


class MemoryPaymentRepository:
    def __init__(self, tables: PaymentsTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.tables, self.tx, self.seen = tables, tx, seen

    def _track(self, payment: Payment | None) -> Payment | None:
        if payment is not None:
            self.seen.add(payment)
        return payment

    async def add(self, payment: Payment) -> None:
        tables = self.tables

        def unique() -> None:
            if payment.id in tables.payments.rows or payment.order_id in tables.by_order.rows:
                raise Conflict("this order has a payment already")

        if self.tx.get(tables.by_order, payment.order_id) is not None or self.tx.get(tables.payments, payment.id):
            raise Conflict("this order has a payment already")
        self.tx.check_at_commit(unique)
        self.tx.put(tables.payments, payment.id, payment)
        self.tx.put(tables.by_order, payment.order_id, payment.id)
        self.seen.add(payment)

    async def get(self, payment_id: str) -> Payment | None:
        return self._track(self.tx.get(self.tables.payments, payment_id))

    async def for_order(self, order_id: str) -> Payment | None:
        payment_id = self.tx.get(self.tables.by_order, order_id)
        return None if payment_id is None else await self.get(payment_id)

    async def update(self, payment: Payment) -> None:
        table = self.tables.payments
        self.tx.put_versioned(table, payment.id, payment, "payment")
        self.seen.add(payment)

    async def due(self, now: datetime, limit: int) -> list[Payment]:
        rows = [
            p
            for p in self.tx.scan(self.tables.payments)
            if p.status in OPERATION_OF and p.next_attempt_at is not None and p.next_attempt_at <= now
        ]
        rows.sort(key=lambda p: (p.next_attempt_at, p.id))
        return [p for p in rows[:limit] if self._track(p) is not None]

    async def list(self, status: PaymentStatus | None, page: PageRequest) -> Page[Payment]:
        start = moment_after(page)
        rows = [
            p
            for p in self.tx.scan(self.tables.payments)
            if (status is None or p.status is status) and (start is None or (p.created_at, p.id) < start)
        ]
        rows.sort(key=lambda p: (p.created_at, p.id), reverse=True)
        for payment in rows:
            self.seen.add(payment)
        return page_of(rows[: page.limit + 1], page, list_position)


class MemoryWebhookLog:
    def __init__(self, tables: PaymentsTables, tx: MemoryTransaction) -> None:
        self.tables, self.table, self.tx = tables, tables.webhooks, tx

    async def remember(self, event_id: str) -> bool:
        self.tables.forget_old_webhooks()
        if self.tx.get(self.table, event_id) is not None:
            return False
        table = self.table

        def first() -> None:
            # As the primary key would: of two transactions noting one event, the second fails.
            if event_id in table.rows:
                raise Conflict("this webhook event was handled meanwhile")

        self.tx.check_at_commit(first)
        self.tx.put(self.table, event_id, self.tables.monotonic())
        return True


class MemoryPaymentsUnitOfWork(MemoryUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``PaymentsUnitOfWork`` (mutable protocol members).
    payments: PaymentRepository
    webhooks: WebhookLog

    def __init__(self, tables: PaymentsTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.payments = MemoryPaymentRepository(self.tables, self.tx, self.seen)
        self.webhooks = MemoryWebhookLog(self.tables, self.tx)
