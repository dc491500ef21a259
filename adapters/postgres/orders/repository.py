"""Orders in the ``orders`` schema; behave exactly as ``adapters.memory.orders``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.versioned import VersionedRows
from adapters.tracking import SeenAggregates
from core.orders.events import OrderLine
from core.orders.model import DuplicateCheckout, Line, Order, OrderStatus, StatusChange, list_position
from core.shared.addresses import PostalAddress
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.orders import OrderRepository

_SELECT = """
SELECT id, customer_id, idempotency_key, status, lines, seller_ids, currency, total_amount, address, placed_at,
       updated_at, paid_at, delivered_at, cancel_reason, cancelled_by, return_reason, return_refusal,
       refunded_amount, history, version
FROM orders.orders
"""
# A concurrent checkout with the same key waits here for the other transaction, then inserts nothing:
# DO NOTHING rather than a caught error, which would abort the whole transaction.
_INSERT = """
INSERT INTO orders.orders (id, customer_id, idempotency_key, status, lines, seller_ids, currency, total_amount,
                           address, placed_at, updated_at, paid_at, delivered_at, cancel_reason, cancelled_by,
                           return_reason, return_refusal, refunded_amount, history, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
ON CONFLICT (customer_id, idempotency_key) DO NOTHING
RETURNING true
"""
# What may change after checkout; what checkout fixed (customer, key, sellers, currency, total, address,
# placed_at) is never rewritten.
_ROWS = VersionedRows(
    "orders.orders",
    "order",
    (
        "status",
        "lines",
        "updated_at",
        "paid_at",
        "delivered_at",
        "cancel_reason",
        "cancelled_by",
        "return_reason",
        "return_refusal",
        "refunded_amount",
        "history",
    ),
)


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _lines_json(order: Order) -> list[dict[str, Any]]:
    return [
        {
            "product_id": line.bought.product_id,
            "seller_id": line.bought.seller_id,
            "title": line.bought.title,
            "unit_amount": line.bought.unit_price.amount,
            "quantity": line.bought.quantity,
            "ready_at": None if line.ready_at is None else line.ready_at.isoformat(),
        }
        for line in order.lines
    ]


def _lines(stored: list[dict[str, Any]], currency: str) -> list[Line]:
    return [
        Line(
            OrderLine(
                product_id=item["product_id"],
                seller_id=item["seller_id"],
                title=item["title"],
                unit_price=Money(int(item["unit_amount"]), currency),
                quantity=int(item["quantity"]),
            ),
            ready_at=_moment(item["ready_at"]),
        )
        for item in stored
    ]


def _order(row: Any) -> Order:
    currency = row["currency"]
    refunded = row["refunded_amount"]
    return Order(
        id=row["id"],
        customer_id=row["customer_id"],
        status=OrderStatus(row["status"]),
        lines=_lines(row["lines"], currency),
        total=Money(int(row["total_amount"]), currency),
        address=PostalAddress(**row["address"]),
        idempotency_key=row["idempotency_key"],
        placed_at=row["placed_at"],
        updated_at=row["updated_at"],
        paid_at=row["paid_at"],
        delivered_at=row["delivered_at"],
        cancel_reason=row["cancel_reason"],
        cancelled_by=row["cancelled_by"],
        return_reason=row["return_reason"],
        return_refusal=row["return_refusal"],
        refunded=None if refunded is None else Money(int(refunded), currency),
        history=[StatusChange(OrderStatus(h["status"]), datetime.fromisoformat(h["at"])) for h in row["history"]],
        version=row["version"],
    )


def _row(order: Order) -> dict[str, Any]:
    """The order as its row's columns, in the table's order."""
    return {
        "id": order.id,
        "customer_id": order.customer_id,
        "idempotency_key": order.idempotency_key,
        "status": order.status.value,
        "lines": _lines_json(order),
        "seller_ids": order.seller_ids,
        "currency": order.total.currency,
        "total_amount": order.total.amount,
        "address": order.address.as_dict(),
        "placed_at": order.placed_at,
        "updated_at": order.updated_at,
        "paid_at": order.paid_at,
        "delivered_at": order.delivered_at,
        "cancel_reason": order.cancel_reason,
        "cancelled_by": order.cancelled_by,
        "return_reason": order.return_reason,
        "return_refusal": order.return_refusal,
        "refunded_amount": None if order.refunded is None else order.refunded.amount,
        "history": [{"status": h.status.value, "at": h.at.isoformat()} for h in order.history],
        "version": order.version,
    }


def _newest_first(
    conditions: list[str], args: list[Any], status: OrderStatus | None, page: PageRequest
) -> tuple[str, list[Any]]:
    """The statement of one list: fixed fragments, every value a parameter."""
    where, values = list(conditions), list(args)
    if status is not None:
        values.append(status.value)
        where.append(f"status = ${len(values)}")
    start = moment_after(page)
    if start is not None:
        values.extend(start)
        where.append(f"(placed_at, id) < (${len(values) - 1}, ${len(values)})")
    values.append(page.limit + 1)
    sql = _SELECT
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + f" ORDER BY placed_at DESC, id DESC LIMIT ${len(values)}", values


class PostgresOrderRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Order:
        order = _order(row)
        self.seen.add(order)
        return order

    async def add(self, order: Order) -> None:
        inserted = await self.conn.fetchval(_INSERT, *_row(order).values())
        if not inserted:
            raise DuplicateCheckout()
        self.seen.add(order)

    async def get(self, order_id: str) -> Order | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE id = $1", order_id)
        return None if row is None else self._track(row)

    async def by_idempotency_key(self, customer_id: str, idempotency_key: str) -> Order | None:
        row = await self.conn.fetchrow(
            _SELECT + " WHERE customer_id = $1 AND idempotency_key = $2", customer_id, idempotency_key
        )
        return None if row is None else self._track(row)

    async def update(self, order: Order) -> None:
        order.version = await _ROWS.save(self.conn, _row(order), order.version)
        self.seen.add(order)

    async def _list(
        self, conditions: list[str], args: list[Any], status: OrderStatus | None, page: PageRequest
    ) -> Page[Order]:
        sql, values = _newest_first(conditions, args, status, page)
        rows = await self.conn.fetch(sql, *values)
        return page_of([self._track(r) for r in rows], page, list_position)

    async def list_for_customer(self, customer_id: str, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        return await self._list(["customer_id = $1"], [customer_id], status, page)

    async def list_for_seller(self, seller_id: str, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        return await self._list(["seller_ids @> ARRAY[$1::text]", "paid_at IS NOT NULL"], [seller_id], status, page)

    async def list_all(self, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        return await self._list([], [], status, page)


class PostgresOrdersUnitOfWork(PostgresUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``OrdersUnitOfWork`` (a mutable protocol member).
    orders: OrderRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.orders = PostgresOrderRepository(conn, self.seen)
