"""In-memory adapters of the logistics ports (the carrier's API is in adapters/logistics_api/memory.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.logistics.model import Shipment, list_position
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.checkout import ShipmentStatus
from ports.logistics import ShipmentRepository
from ports.shared import EventPublisher

_NEVER = datetime.min.replace(tzinfo=UTC)


class LogisticsTables:
    def __init__(self) -> None:
        self.shipments = MemoryTable("shipments")


class MemoryShipmentRepository:
    def __init__(self, tables: LogisticsTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.shipments, tx, seen

    def _track(self, shipment: Shipment | None) -> Shipment | None:
        if shipment is not None:
            self.seen.add(shipment)
        return shipment

    def _clash(self, shipment: Shipment, rows: list[Shipment]) -> str | None:
        for other in rows:
            if other.id == shipment.id:
                return "this shipment exists already"
            if other.order_id == shipment.order_id:
                return "this order has a shipment already"
            if other.tracking_number == shipment.tracking_number:
                return "this tracking number is taken"
        return None

    async def add(self, shipment: Shipment) -> None:
        clash = self._clash(shipment, list(self.tx.scan(self.table)))
        if clash:
            raise Conflict(clash)

        def unique() -> None:
            committed = self._clash(shipment, list(self.table.rows.values()))
            if committed:
                raise Conflict(committed)

        self.tx.check_at_commit(unique)
        self.tx.put(self.table, shipment.id, shipment)
        self.seen.add(shipment)

    async def get(self, shipment_id: str) -> Shipment | None:
        return self._track(self.tx.get(self.table, shipment_id))

    def _find(self, field: str, value: str) -> Shipment | None:
        for shipment in self.tx.scan(self.table):
            if getattr(shipment, field) == value:
                return self._track(shipment)
        return None

    async def by_order(self, order_id: str) -> Shipment | None:
        return self._find("order_id", order_id)

    async def by_tracking_number(self, tracking_number: str) -> Shipment | None:
        return self._find("tracking_number", tracking_number)

    async def update(self, shipment: Shipment) -> None:
        self.tx.put_versioned(self.table, shipment.id, shipment, "shipment")
        self.seen.add(shipment)

    async def on_the_way(self, carrier: str, limit: int) -> list[Shipment]:
        rows = list(self.tx.scan(self.table, where=lambda s: s.carrier == carrier and s.status.on_the_way))
        rows.sort(key=lambda s: (s.tracked_at or _NEVER, s.id))
        for shipment in rows[:limit]:
            self.seen.add(shipment)
        return rows[:limit]

    async def list(
        self, page: PageRequest, *, status: ShipmentStatus | None = None, carrier: str | None = None
    ) -> Page[Shipment]:
        start = moment_after(page)
        rows = [
            s
            for s in self.tx.scan(self.table)
            if (status is None or s.status is status)
            and (carrier is None or s.carrier == carrier)
            and (start is None or (s.created_at, s.id) < start)
        ]
        rows.sort(key=lambda s: (s.created_at, s.id), reverse=True)
        for shipment in rows:
            self.seen.add(shipment)
        return page_of(rows[: page.limit + 1], page, list_position)


class MemoryLogisticsUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    shipments: ShipmentRepository

    def __init__(self, tables: LogisticsTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.shipments = MemoryShipmentRepository(self.tables, self.tx, self.seen)
