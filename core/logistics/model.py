"""Shipments: one per order, booked with a carrier, and the timeline of what the carrier reported.

The life of a shipment::

    accepted --> in_transit --> out_for_delivery --> delivered
        \\             \\--------------+--> lost
         \\--> cancelled

It moves only forward. A carrier may skip a step (no in-transit scan before "out for delivery"), so any
later status of the main line is a move; lost comes only once the carrier has the parcel (in transit or
out for delivery), cancelled only before (accepted). Carriers resend and reorder their reports, so a
repeated report (the same carrier event id) or a stale one (a status the shipment has already passed)
changes nothing; any other move is refused with ``Conflict``. Every change is an event.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import attrs

from core.logistics.events import (
    ShipmentCancelled,
    ShipmentCreated,
    ShipmentDelivered,
    ShipmentHandedOver,
    ShipmentLost,
    ShipmentStatusChanged,
)
from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict
from core.shared.events import Aggregate
from core.shared.pagination import moment_key
from ports.checkout import ShipmentStatus

# Parcels booked through the LogisticsApi; a direct carrier is named by its user id.
API_CARRIER = "sandbox"
LOCATION_MAX = 120
CARRIER_ID_MAX = 64


class TrackingSource(StrEnum):
    API = "api"  # our own call to the carrier's API (booking, cancelling, the poller's track)
    WEBHOOK = "webhook"
    CARRIER = "carrier"  # a direct carrier reporting through the carrier routes


S = ShipmentStatus
# The statuses a shipment may have had before each one: a report of one of them now is stale.
_BEFORE: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    S.ACCEPTED: frozenset(),
    S.IN_TRANSIT: frozenset({S.ACCEPTED}),
    S.OUT_FOR_DELIVERY: frozenset({S.ACCEPTED, S.IN_TRANSIT}),
    S.DELIVERED: frozenset({S.ACCEPTED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY}),
    S.LOST: frozenset({S.ACCEPTED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY}),
    S.CANCELLED: frozenset({S.ACCEPTED}),
}
# The moves themselves.
_NEXT: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    S.ACCEPTED: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.CANCELLED}),
    S.IN_TRANSIT: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.LOST}),
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED, S.LOST}),
    S.DELIVERED: frozenset(),
    S.LOST: frozenset(),
    S.CANCELLED: frozenset(),
}


@attrs.frozen
class ShipmentItem:
    product_id: str
    quantity: int


@attrs.frozen(kw_only=True)
class TrackingEvent:
    """One entry of the timeline. ``ref`` is the carrier's event id ("" when there is none)."""

    status: ShipmentStatus
    location: str
    occurred_at: datetime
    source: TrackingSource
    ref: str = ""


@attrs.define
class Shipment(Aggregate):
    id: str
    order_id: str
    customer_id: str
    carrier: str
    tracking_number: str
    label_url: str
    address: PostalAddress
    items: tuple[ShipmentItem, ...]
    status: ShipmentStatus
    timeline: list[TrackingEvent]
    created_at: datetime
    updated_at: datetime
    tracked_at: datetime | None = None  # when the poller last asked the carrier about it
    version: int = 0

    @classmethod
    def book(
        cls,
        *,
        shipment_id: str,
        order_id: str,
        customer_id: str,
        carrier: str,
        tracking_number: str,
        label_url: str,
        address: PostalAddress,
        items: tuple[ShipmentItem, ...],
        now: datetime,
    ) -> Shipment:
        """The carrier accepted the parcel: the shipment starts with that one entry on its timeline."""
        shipment = cls(
            id=shipment_id,
            order_id=order_id,
            customer_id=customer_id,
            carrier=carrier,
            tracking_number=tracking_number,
            label_url=label_url,
            address=address,
            items=items,
            status=ShipmentStatus.ACCEPTED,
            timeline=[TrackingEvent(status=S.ACCEPTED, location="", occurred_at=now, source=TrackingSource.API)],
            created_at=now,
            updated_at=now,
        )
        shipment.record(
            ShipmentCreated(
                occurred_at=now,
                shipment_id=shipment.id,
                order_id=order_id,
                carrier=carrier,
                tracking_number=tracking_number,
            )
        )
        return shipment

    def knows(self, ref: str) -> bool:
        return bool(ref) and any(entry.ref == ref for entry in self.timeline)

    def report(
        self,
        status: ShipmentStatus,
        *,
        location: str,
        occurred_at: datetime,
        source: TrackingSource,
        now: datetime,
        ref: str = "",
    ) -> bool:
        """Record what the carrier reported; return whether the shipment changed. A repeated or stale
        report changes nothing; a move the life of a shipment forbids raises ``Conflict``."""
        if self.knows(ref) or status is self.status or status in _BEFORE[self.status]:
            return False
        if status not in _NEXT[self.status]:
            raise Conflict(f"a {self.status.value} shipment cannot become {status.value}")
        previous = self.status
        self.status = status
        self.timeline.append(
            TrackingEvent(status=status, location=location, occurred_at=occurred_at, source=source, ref=ref)
        )
        self.updated_at = now
        self.record(
            ShipmentStatusChanged(
                occurred_at=now,
                shipment_id=self.id,
                order_id=self.order_id,
                status=status.value,
                previous_status=previous.value,
                location=location,
                reported_at=occurred_at,
            )
        )
        final = {S.DELIVERED: ShipmentDelivered, S.LOST: ShipmentLost, S.CANCELLED: ShipmentCancelled}.get(status)
        if final is not None:
            self.record(final(occurred_at=now, shipment_id=self.id, order_id=self.order_id))
        return True

    def cancel(self, now: datetime) -> bool:
        """Called off before the carrier had it (the carrier agreed). Safe to repeat."""
        if self.status is S.CANCELLED:
            return False
        if self.status is not S.ACCEPTED:
            raise Conflict(f"a {self.status.value} shipment cannot be cancelled: the carrier has it")
        return self.report(S.CANCELLED, location="", occurred_at=now, source=TrackingSource.API, now=now)

    def hand_to(self, carrier: str, by: str, now: datetime) -> bool:
        """An admin gives the parcel to a direct carrier, who reports its progress from now on."""
        if carrier == self.carrier:
            return False
        if not self.status.on_the_way:
            raise Conflict(f"a {self.status.value} shipment cannot change hands")
        previous, self.carrier = self.carrier, carrier
        self.updated_at = now
        self.record(
            ShipmentHandedOver(
                occurred_at=now,
                shipment_id=self.id,
                order_id=self.order_id,
                carrier=carrier,
                previous_carrier=previous,
                by=by,
            )
        )
        return True

    def tracked(self, now: datetime) -> None:
        self.tracked_at = now


def list_position(shipment: Shipment) -> list[str]:
    """The keyset cursor of shipment lists: (created_at, id), newest first."""
    return moment_key(shipment.created_at, shipment.id)
