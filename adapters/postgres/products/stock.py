"""Stock in the ``products`` schema; behaves exactly as ``adapters.memory.stock``.

Locks: an order is locked with a transaction-level advisory lock on its id (it may have no row yet), its
items with ``SELECT ... ORDER BY product_id FOR UPDATE``. Every unit of work takes the order's lock before
any item's, and items in one order, so two never wait for each other in a circle. After a lock is granted
the next statements read what the previous holder committed; that is why an item's holds are read by a
statement of their own once the item is locked (a subquery of the locking statement would see the rows
as they were before the wait).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from adapters.postgres.pool import unavailable_on_failure
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.products.events import StockLine
from core.products.stock import ReservationState, StockItem, StockReservation
from core.shared.errors import Conflict
from ports.stock import ReservationRepository, StockRepository

# The first half of the two-int advisory lock keys of orders' reservations (the second is hashtext(order id)).
ORDER_LOCK = 0x570C

_SELECT_ITEMS = """
SELECT product_id, seller_id, on_hand, updated_at,
       (SELECT coalesce(jsonb_object_agg(r.order_id, r.quantity), '{}'::jsonb)
        FROM products.stock_reservations r
        WHERE r.product_id = i.product_id AND r.state = 'reserved') AS holds
FROM products.stock_items i
WHERE i.product_id = ANY($1::text[])
"""
_LOCK_ITEMS = """
SELECT product_id, seller_id, on_hand, updated_at FROM products.stock_items
WHERE product_id = ANY($1::text[])
ORDER BY product_id FOR UPDATE
"""
_SELECT_HOLDS = """
SELECT product_id, order_id, quantity FROM products.stock_reservations
WHERE product_id = ANY($1::text[]) AND state = 'reserved'
"""
_INSERT_ITEM = """
INSERT INTO products.stock_items (product_id, seller_id, on_hand, reserved, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING
RETURNING true
"""
_UPDATE_ITEM = """
UPDATE products.stock_items SET seller_id = $2, on_hand = $3, reserved = $4, updated_at = $5
WHERE product_id = $1
"""
_LOCK_ORDER = "SELECT pg_advisory_xact_lock($1::int, hashtext($2))"
_SELECT_RESERVATION = """
SELECT product_id, quantity, state, unavailable, created_at, updated_at
FROM products.stock_reservations
WHERE order_id = $1
ORDER BY position
"""
_INSERT_RESERVATION = """
INSERT INTO products.stock_reservations
    (order_id, product_id, position, quantity, state, unavailable, created_at, updated_at)
SELECT $1, line.product_id, line.position, line.quantity, $2, line.product_id = ANY($3::text[]), $4, $5
FROM unnest($6::text[], $7::int[], $8::smallint[]) AS line(product_id, quantity, position)
ON CONFLICT DO NOTHING
RETURNING 1
"""
_UPDATE_RESERVATION = """
UPDATE products.stock_reservations SET state = $2, updated_at = $3 WHERE order_id = $1
"""


def _item(row: Any, holds: dict[str, int]) -> StockItem:
    return StockItem(
        product_id=row["product_id"],
        seller_id=row["seller_id"],
        on_hand=row["on_hand"],
        reservations=holds,
        updated_at=row["updated_at"],
    )


def _item_values(item: StockItem) -> tuple[Any, ...]:
    return (item.product_id, item.seller_id, item.on_hand, item.reserved, item.updated_at)


# ``conn`` is the unit of work's connection (``TransactionOnWrite``): ``begin`` opens its transaction.
class PostgresStockRepository:
    def __init__(self, conn: Any, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    async def get(self, product_id: str) -> StockItem | None:
        row = await self.conn.fetchrow(_SELECT_ITEMS, [product_id])
        if row is None:
            return None
        item = _item(row, {k: int(v) for k, v in row["holds"].items()})
        self.seen.add(item)
        return item

    async def lock(self, product_ids: Sequence[str]) -> dict[str, StockItem]:
        wanted = sorted(set(product_ids))
        await self.conn.begin()
        rows = await self.conn.fetch(_LOCK_ITEMS, wanted)
        holds: dict[str, dict[str, int]] = {r["product_id"]: {} for r in rows}
        for hold in await self.conn.fetch(_SELECT_HOLDS, list(holds)):
            holds[hold["product_id"]][hold["order_id"]] = hold["quantity"]
        items = {r["product_id"]: _item(r, holds[r["product_id"]]) for r in rows}
        for item in items.values():
            self.seen.add(item)
        return items

    async def add(self, item: StockItem) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        if not await self.conn.fetchval(_INSERT_ITEM, *_item_values(item)):
            raise Conflict("this product has its stock already")
        self.seen.add(item)

    async def update(self, item: StockItem) -> None:
        await self.conn.execute(_UPDATE_ITEM, *_item_values(item))
        self.seen.add(item)


def _reservation(order_id: str, rows: list[Any]) -> StockReservation:
    lines = [StockLine(r["product_id"], r["quantity"]) for r in rows]
    return StockReservation(
        order_id=order_id,
        lines=lines,
        state=ReservationState(rows[0]["state"]),
        unavailable=[line for line, r in zip(lines, rows, strict=True) if r["unavailable"]],
        created_at=rows[0]["created_at"],
        updated_at=rows[0]["updated_at"],
    )


class PostgresReservationRepository:
    def __init__(self, conn: Any, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    async def lock(self, order_id: str) -> StockReservation | None:
        await self.conn.begin()
        await self.conn.execute(_LOCK_ORDER, ORDER_LOCK, order_id)
        rows = await self.conn.fetch(_SELECT_RESERVATION, order_id)
        if not rows:
            return None
        reservation = _reservation(order_id, rows)
        self.seen.add(reservation)
        return reservation

    async def add(self, reservation: StockReservation) -> None:
        r = reservation
        inserted = await self.conn.fetch(
            _INSERT_RESERVATION,
            r.order_id,
            r.state.value,
            [line.product_id for line in r.unavailable],
            r.created_at,
            r.updated_at,
            [line.product_id for line in r.lines],
            [line.quantity for line in r.lines],
            list(range(len(r.lines))),
        )
        if len(inserted) != len(r.lines):
            raise Conflict(f"order {r.order_id} has a reservation already")
        self.seen.add(reservation)

    async def update(self, reservation: StockReservation) -> None:
        r = reservation
        await self.conn.execute(_UPDATE_RESERVATION, r.order_id, r.state.value, r.updated_at)
        self.seen.add(reservation)


class PostgresStockUnitOfWork(PostgresUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``StockUnitOfWork`` (mutable protocol members).
    stock: StockRepository
    reservations: ReservationRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.stock = PostgresStockRepository(conn, self.seen)
        self.reservations = PostgresReservationRepository(conn, self.seen)


class PostgresStockLevels:
    """``ports.catalog.StockLevels`` over the committed stock."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def available(self, product_ids: Sequence[str]) -> dict[str, int]:
        with unavailable_on_failure("the stock levels are unavailable"):
            rows = await self._pool.fetch(
                "SELECT product_id, on_hand - reserved AS available FROM products.stock_items"
                " WHERE product_id = ANY($1::text[])",
                sorted(set(product_ids)),
            )
        found = {r["product_id"]: r["available"] for r in rows}
        return {p: found.get(p, 0) for p in product_ids}
