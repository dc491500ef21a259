"""In-memory adapters of the stock ports, and the stock levels the rest of the catalogue reads.

They behave as ``adapters.postgres.products.stock``: an item's per-order holds are read back from the
reservations still ``reserved`` (not stored with the item), and ``lock`` holds a lock until the unit of
work ends, standing in for PostgreSQL's row locks. One lock for all the stock is coarser than a lock per
row, but in one process it only ever waits for a unit of work that is running anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import LockingMemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.products.stock import ReservationState, StockItem, StockReservation
from core.shared.errors import Conflict
from ports.shared import EventPublisher
from ports.stock import ReservationRepository, StockRepository

Lock = Callable[[], Awaitable[None]]


class StockTables:
    def __init__(self) -> None:
        self.items = MemoryTable("stock_items")
        self.reservations = MemoryTable("stock_reservations")
        self.lock = asyncio.Lock()


def _holds(tx: MemoryTransaction, tables: StockTables, product_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per product, the units each order still holds of it."""
    holds: dict[str, dict[str, int]] = {product_id: {} for product_id in product_ids}

    def holding(reservation: StockReservation) -> bool:
        held = reservation.state is ReservationState.RESERVED
        return held and any(line.product_id in holds for line in reservation.lines)

    for reservation in tx.scan(tables.reservations, where=holding):
        for line in reservation.lines:
            if line.product_id in holds:
                holds[line.product_id][reservation.order_id] = line.quantity
    return holds


def _read_items(tx: MemoryTransaction, tables: StockTables, product_ids: Sequence[str]) -> dict[str, StockItem]:
    found = {p: item for p in product_ids if (item := tx.get(tables.items, p)) is not None}
    for product_id, held in _holds(tx, tables, list(found)).items():
        found[product_id].reservations = held
    return found


class MemoryStockRepository:
    def __init__(self, tables: StockTables, tx: MemoryTransaction, seen: SeenAggregates, lock: Lock) -> None:
        self.tables, self.tx, self.seen, self._lock = tables, tx, seen, lock

    async def get(self, product_id: str) -> StockItem | None:
        item = _read_items(self.tx, self.tables, [product_id]).get(product_id)
        if item is not None:
            self.seen.add(item)
        return item

    async def lock(self, product_ids: Sequence[str]) -> dict[str, StockItem]:
        await self._lock()
        items = _read_items(self.tx, self.tables, sorted(set(product_ids)))
        for item in items.values():
            self.seen.add(item)
        return items

    async def add(self, item: StockItem) -> None:
        if self.tx.get(self.tables.items, item.product_id) is not None:
            raise Conflict("this product has its stock already")
        self.tx.put(self.tables.items, item.product_id, item)
        self.seen.add(item)

    async def update(self, item: StockItem) -> None:
        self.tx.put(self.tables.items, item.product_id, item)
        self.seen.add(item)


class MemoryReservationRepository:
    def __init__(self, tables: StockTables, tx: MemoryTransaction, seen: SeenAggregates, lock: Lock) -> None:
        self.table, self.tx, self.seen, self._lock = tables.reservations, tx, seen, lock

    async def lock(self, order_id: str) -> StockReservation | None:
        await self._lock()
        reservation: StockReservation | None = self.tx.get(self.table, order_id)
        if reservation is not None:
            self.seen.add(reservation)
        return reservation

    async def add(self, reservation: StockReservation) -> None:
        if self.tx.get(self.table, reservation.order_id) is not None:
            raise Conflict(f"order {reservation.order_id} has a reservation already")
        self.tx.put(self.table, reservation.order_id, reservation)
        self.seen.add(reservation)

    async def update(self, reservation: StockReservation) -> None:
        self.tx.put(self.table, reservation.order_id, reservation)
        self.seen.add(reservation)


class MemoryStockUnitOfWork(LockingMemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    stock: StockRepository
    reservations: ReservationRepository

    def __init__(self, tables: StockTables, publisher: EventPublisher) -> None:
        super().__init__(publisher, tables.lock)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.stock = MemoryStockRepository(self.tables, self.tx, self.seen, self.hold_lock)
        self.reservations = MemoryReservationRepository(self.tables, self.tx, self.seen, self.hold_lock)


class MemoryStockLevels:
    """``ports.catalog.StockLevels`` over the committed stock."""

    def __init__(self, tables: StockTables) -> None:
        self.tables = tables

    async def available(self, product_ids: Sequence[str]) -> dict[str, int]:
        items = _read_items(MemoryTransaction(), self.tables, list(set(product_ids)))
        return {p: items[p].available if p in items else 0 for p in product_ids}
