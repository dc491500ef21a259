"""Payments in the ``payments`` schema; behave exactly as ``adapters.memory.payments``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.versioned import VersionedRows
from adapters.tracking import SeenAggregates
from core.payments.model import HistoryEntry, Payment, list_position
from core.shared.errors import Conflict
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.checkout import PaymentStatus
from ports.payments import PaymentRepository, WebhookLog

_COLUMNS = """id, order_id, customer_id, amount, currency, captured, refunded, status, authorization_id,
       payment_token, attempts, next_attempt_at, last_error, failure, history, created_at, updated_at, version"""
_SELECT = f"SELECT {_COLUMNS} FROM payments.payments"  # noqa: S608 - fixed text, no input
_INSERT = f"""
INSERT INTO payments.payments ({_COLUMNS})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT DO NOTHING
RETURNING true
"""  # noqa: S608 - fixed text, no input
_ROWS = VersionedRows(
    "payments.payments",
    "payment",
    (
        "captured",
        "refunded",
        "status",
        "authorization_id",
        "payment_token",
        "attempts",
        "next_attempt_at",
        "last_error",
        "failure",
        "history",
        "updated_at",
    ),
)
_IN_FLIGHT = "status IN ('authorizing', 'capturing', 'voiding', 'refunding')"
_DUE = _SELECT + f" WHERE {_IN_FLIGHT} AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2"
_ORDER = " ORDER BY created_at DESC, id DESC LIMIT "
# One fixed statement per case (a status is given, a cursor is given), each walking its index backwards.
_LIST = {
    (False, False): _SELECT + _ORDER + "$1",
    (True, False): _SELECT + " WHERE status = $1" + _ORDER + "$2",
    (False, True): _SELECT + " WHERE (created_at, id) < ($1, $2)" + _ORDER + "$3",
    (True, True): _SELECT + " WHERE status = $1 AND (created_at, id) < ($2, $3)" + _ORDER + "$4",
}


def _money(amount: int | None, currency: str) -> Money | None:
    return None if amount is None else Money(amount, currency)


def _payment(row: Any) -> Payment:
    currency = row["currency"]
    return Payment(
        id=row["id"],
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        amount=Money(row["amount"], currency),
        payment_token=row["payment_token"],
        status=PaymentStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        captured=_money(row["captured"], currency),
        refunded=_money(row["refunded"], currency),
        authorization_id=row["authorization_id"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        failure=row["failure"],
        history=[
            HistoryEntry(datetime.fromisoformat(h["at"]), PaymentStatus(h["status"]), h["note"]) for h in row["history"]
        ],
        version=row["version"],
    )


def _row(p: Payment) -> dict[str, Any]:
    """The payment as its row's columns, in the table's order."""
    return {
        "id": p.id,
        "order_id": p.order_id,
        "customer_id": p.customer_id,
        "amount": p.amount.amount,
        "currency": p.amount.currency,
        "captured": None if p.captured is None else p.captured.amount,
        "refunded": None if p.refunded is None else p.refunded.amount,
        "status": p.status.value,
        "authorization_id": p.authorization_id,
        "payment_token": p.payment_token,
        "attempts": p.attempts,
        "next_attempt_at": p.next_attempt_at,
        "last_error": p.last_error,
        "failure": p.failure,
        "history": [{"at": h.at.isoformat(), "status": h.status.value, "note": h.note} for h in p.history],
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "version": p.version,
    }


class PostgresPaymentRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Payment:
        payment = _payment(row)
        self.seen.add(payment)
        return payment

    async def add(self, payment: Payment) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        if not await self.conn.fetchval(_INSERT, *_row(payment).values()):
            raise Conflict("this order has a payment already")
        self.seen.add(payment)

    async def get(self, payment_id: str) -> Payment | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE id = $1", payment_id)
        return None if row is None else self._track(row)

    async def for_order(self, order_id: str) -> Payment | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE order_id = $1", order_id)
        return None if row is None else self._track(row)

    async def update(self, payment: Payment) -> None:
        payment.version = await _ROWS.save(self.conn, _row(payment), payment.version)
        self.seen.add(payment)

    async def due(self, now: datetime, limit: int) -> list[Payment]:
        return [self._track(r) for r in await self.conn.fetch(_DUE, now, limit)]

    async def list(self, status: PaymentStatus | None, page: PageRequest) -> Page[Payment]:
        start = moment_after(page)
        args: list[Any] = [status.value] if status is not None else []
        if start is not None:
            args.extend(start)
        rows = await self.conn.fetch(_LIST[(status is not None, start is not None)], *args, page.limit + 1)
        return page_of([self._track(r) for r in rows], page, list_position)


class PostgresWebhookLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def remember(self, event_id: str) -> bool:
        inserted = await self.conn.fetchval(
            "INSERT INTO payments.webhook_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING true",
            event_id,
        )
        return bool(inserted)


class PostgresPaymentsUnitOfWork(PostgresUnitOfWork):
    payments: PaymentRepository
    webhooks: WebhookLog

    def _open(self, conn: asyncpg.Connection) -> None:
        self.payments = PostgresPaymentRepository(conn, self.seen)
        self.webhooks = PostgresWebhookLog(conn)
