"""What the logistics context needs from the outside world: its shipments' store, and the carrier's API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.addresses import PostalAddress
from core.shared.pagination import Page, PageRequest
from ports.checkout import ShipmentStatus
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.logistics.model import Shipment


class ShipmentRepository(Protocol):
    async def add(self, shipment: Shipment) -> None:
        """Store a new shipment; raise ``Conflict`` if its order already has one, or its tracking number
        is taken."""
        ...

    async def get(self, shipment_id: str) -> Shipment | None: ...

    async def by_order(self, order_id: str) -> Shipment | None: ...

    async def by_tracking_number(self, tracking_number: str) -> Shipment | None: ...

    async def update(self, shipment: Shipment) -> None:
        """Store the changes and bump ``shipment.version``; raise ``Conflict`` if someone else changed it
        since it was read."""
        ...

    async def on_the_way(self, carrier: str, limit: int) -> list[Shipment]:
        """At most ``limit`` shipments of ``carrier`` not yet delivered, lost or cancelled, the least
        recently tracked first (never tracked before all), so the poller's passes take turns."""
        ...

    async def list(
        self, page: PageRequest, *, status: ShipmentStatus | None = None, carrier: str | None = None
    ) -> Page[Shipment]:
        """Shipments (of one status, of one carrier, or all) newest first: by (created_at, id) descending."""
        ...


class LogisticsUnitOfWork(UnitOfWork, Protocol):
    shipments: ShipmentRepository


# --- The carrier's API ---------------------------------------------------------------------------------


class CarrierUnavailable(Exception):
    """The carrier did not answer, or answered 5xx, on every try: a later call may succeed."""


class CarrierRejected(Exception):
    """The carrier refused the request (a 4xx): repeating it as it is will not help."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ParcelItem:
    product_id: str
    quantity: int


@dataclass(frozen=True)
class Parcel:
    """One box as the carrier sees it: what is inside (the carrier prints it on the customs form)."""

    items: tuple[ParcelItem, ...]


@dataclass(frozen=True)
class CarrierShipment:
    tracking_number: str
    label_url: str
    status: str  # the carrier's status: accepted, in_transit, out_for_delivery, delivered, lost, cancelled


@dataclass(frozen=True)
class CarrierEvent:
    """One scan of the parcel; ``event_id`` is the carrier's, the same in webhooks and in ``track``."""

    event_id: str
    status: str
    location: str
    occurred_at: datetime


class LogisticsApi(Protocol):
    """The external carrier. Every call may raise ``CarrierUnavailable`` or ``CarrierRejected``."""

    async def create_shipment(
        self, key: str, reference: str, address: PostalAddress, parcels: Sequence[Parcel]
    ) -> CarrierShipment:
        """Book the parcels for ``address``. A repeat with the same idempotency ``key`` returns the same
        shipment, never a second one. ``reference`` is ours (the order id), printed on the label."""
        ...

    async def cancel(self, tracking_number: str) -> bool:
        """Call the shipment off: True when cancelled (now or before), False when it is too late (the
        carrier has picked it up)."""
        ...

    async def track(self, tracking_number: str) -> list[CarrierEvent]:
        """Every event of the shipment so far, oldest first."""
        ...
