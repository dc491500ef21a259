"""Shipments in the ``logistics`` schema; behave exactly as ``adapters.memory.logistics``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.versioned import VersionedRows
from adapters.tracking import SeenAggregates
from core.logistics.model import Shipment, ShipmentItem, TrackingEvent, TrackingSource, list_position
from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.checkout import ShipmentStatus
from ports.logistics import ShipmentRepository

_SELECT = """
SELECT id, order_id, customer_id, carrier, tracking_number, label_url, address, items, status, timeline,
       created_at, updated_at, tracked_at, version
FROM logistics.shipments
"""
_INSERT = """
INSERT INTO logistics.shipments (id, order_id, customer_id, carrier, tracking_number, label_url, address, items,
                                 status, timeline, created_at, updated_at, tracked_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT DO NOTHING
RETURNING true
"""
_ROWS = VersionedRows(
    "logistics.shipments",
    "shipment",
    (
        "carrier",
        "status",
        "timeline",
        "label_url",
        "updated_at",
        "tracked_at",
    ),
)
_ORDER = " ORDER BY created_at DESC, id DESC LIMIT "
_ON_THE_WAY = (
    _SELECT + " WHERE carrier = $1 AND status IN ('accepted', 'in_transit', 'out_for_delivery')"
    " ORDER BY tracked_at NULLS FIRST, id LIMIT $2"
)


def _address(value: dict[str, Any]) -> PostalAddress:
    return PostalAddress(**value)


def _entry(value: dict[str, Any]) -> TrackingEvent:
    return TrackingEvent(
        status=ShipmentStatus(value["status"]),
        location=value["location"],
        occurred_at=datetime.fromisoformat(value["occurred_at"]),
        source=TrackingSource(value["source"]),
        ref=value["ref"],
    )


def _entry_json(entry: TrackingEvent) -> dict[str, Any]:
    return {
        "status": entry.status.value,
        "location": entry.location,
        "occurred_at": entry.occurred_at.isoformat(),
        "source": entry.source.value,
        "ref": entry.ref,
    }


def _shipment(row: Any) -> Shipment:
    return Shipment(
        id=row["id"],
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        label_url=row["label_url"],
        address=_address(row["address"]),
        items=tuple(ShipmentItem(i["product_id"], i["quantity"]) for i in row["items"]),
        status=ShipmentStatus(row["status"]),
        timeline=[_entry(e) for e in row["timeline"]],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        tracked_at=row["tracked_at"],
        version=row["version"],
    )


def _row(s: Shipment) -> dict[str, Any]:
    """The shipment as its row's columns, in the table's order."""
    return {
        "id": s.id,
        "order_id": s.order_id,
        "customer_id": s.customer_id,
        "carrier": s.carrier,
        "tracking_number": s.tracking_number,
        "label_url": s.label_url,
        "address": s.address.as_dict(),
        "items": [{"product_id": i.product_id, "quantity": i.quantity} for i in s.items],
        "status": s.status.value,
        "timeline": [_entry_json(e) for e in s.timeline],
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "tracked_at": s.tracked_at,
        "version": s.version,
    }


class PostgresShipmentRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Shipment:
        shipment = _shipment(row)
        self.seen.add(shipment)
        return shipment

    async def _one(self, where: str, value: str) -> Shipment | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE " + where + " = $1", value)
        return None if row is None else self._track(row)

    async def add(self, shipment: Shipment) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        inserted = await self.conn.fetchval(_INSERT, *_row(shipment).values())
        if not inserted:
            clash = await self.conn.fetchrow(
                "SELECT id, order_id FROM logistics.shipments WHERE id = $1 OR order_id = $2 OR tracking_number = $3",
                shipment.id,
                shipment.order_id,
                shipment.tracking_number,
            )
            if clash is not None and clash["id"] == shipment.id:
                raise Conflict("this shipment exists already")
            if clash is not None and clash["order_id"] == shipment.order_id:
                raise Conflict("this order has a shipment already")
            raise Conflict("this tracking number is taken")
        self.seen.add(shipment)

    async def get(self, shipment_id: str) -> Shipment | None:
        return await self._one("id", shipment_id)

    async def by_order(self, order_id: str) -> Shipment | None:
        return await self._one("order_id", order_id)

    async def by_tracking_number(self, tracking_number: str) -> Shipment | None:
        return await self._one("tracking_number", tracking_number)

    async def update(self, shipment: Shipment) -> None:
        shipment.version = await _ROWS.save(self.conn, _row(shipment), shipment.version)
        self.seen.add(shipment)

    async def on_the_way(self, carrier: str, limit: int) -> list[Shipment]:
        rows = await self.conn.fetch(_ON_THE_WAY, carrier, limit)
        return [self._track(r) for r in rows]

    async def list(
        self, page: PageRequest, *, status: ShipmentStatus | None = None, carrier: str | None = None
    ) -> Page[Shipment]:
        start = moment_after(page)
        conditions: list[str] = []
        args: list[Any] = []
        if status is not None:
            args.append(status.value)
            conditions.append(f"status = ${len(args)}")
        if carrier is not None:
            args.append(carrier)
            conditions.append(f"carrier = ${len(args)}")
        if start is not None:
            args.extend(start)
            conditions.append(f"(created_at, id) < (${len(args) - 1}, ${len(args)})")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        args.append(page.limit + 1)
        rows = await self.conn.fetch(_SELECT + where + _ORDER + f"${len(args)}", *args)
        return page_of([self._track(r) for r in rows], page, list_position)


class PostgresLogisticsUnitOfWork(PostgresUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``LogisticsUnitOfWork``.
    shipments: ShipmentRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.shipments = PostgresShipmentRepository(conn, self.seen)
