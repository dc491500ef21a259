"""Logistics use cases: what carriers report (by webhook, poll or in person), what customers and admins see."""

from __future__ import annotations

import logging
from datetime import datetime

from core.logistics.commands import (
    CarrierUpdate,
    GetTracking,
    HandOver,
    ListHandedShipments,
    ListShipments,
    ReportStatus,
    ShipmentView,
    ShippedItem,
    TimelineEntry,
    TrackingView,
    TrackParcels,
)
from core.logistics.model import (
    API_CARRIER,
    CARRIER_ID_MAX,
    LOCATION_MAX,
    Shipment,
    TrackingSource,
)
from core.shared.errors import Conflict, NotFound, Validation
from core.shared.pagination import Page
from core.shared.security import Role
from ports.checkout import ShipmentStatus
from ports.logistics import CarrierRejected, CarrierUnavailable, LogisticsApi, LogisticsUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)

# What a direct carrier may report: accepted is where every shipment starts, cancelling is the shop's call.
REPORTABLE = (
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED,
    ShipmentStatus.LOST,
)
# Two writers (a webhook and the poller, say) may race on one shipment: the loser reads it again.
_ATTEMPTS = 3


def _timeline(shipment: Shipment) -> list[TimelineEntry]:
    return [TimelineEntry(e.status, e.location, e.occurred_at) for e in shipment.timeline]


def shipment_view(shipment: Shipment) -> ShipmentView:
    return ShipmentView(
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        status=shipment.status,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        label_url=shipment.label_url,
        address=shipment.address,
        items=[ShippedItem(i.product_id, i.quantity) for i in shipment.items],
        timeline=_timeline(shipment),
        created_at=shipment.created_at,
        updated_at=shipment.updated_at,
    )


def _carrier_status(word: str) -> ShipmentStatus | None:
    try:
        return ShipmentStatus(word)
    except ValueError:
        return None


def apply_update(shipment: Shipment, update: CarrierUpdate, now: datetime) -> bool:
    """Apply what the API carrier said, if it is news. A report that does not fit (an unknown status, a
    move the shipment's life forbids) is logged and dropped: the carrier cannot fix it by sending it again."""
    status = _carrier_status(update.status)
    if status is None:
        log.warning("carrier reported an unknown status %r for %s", update.status, update.tracking_number)
        return False
    try:
        return shipment.report(
            status,
            location=update.location,
            occurred_at=update.occurred_at,
            source=update.source,
            now=now,
            ref=update.ref,
        )
    except Conflict as refused:
        log.warning("carrier update %s of %s dropped: %s", update.ref, update.tracking_number, refused)
        return False


class RecordCarrierUpdate:
    """One carrier event, from a webhook or an in-process listener. Safe to repeat; an unknown tracking
    number, or a parcel handed to a direct carrier since, is ignored (the caller still answers 200, so the
    carrier stops resending it). Returns whether the shipment changed."""

    def __init__(self, uow: UnitOfWorkFactory[LogisticsUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: CarrierUpdate) -> bool:
        for attempt in range(_ATTEMPTS):
            try:
                return await self._record(command)
            except Conflict:
                if attempt == _ATTEMPTS - 1:
                    raise
        return False  # unreachable: the loop returns or raises

    async def _record(self, command: CarrierUpdate) -> bool:
        async with self.uow() as uow:
            shipment = await uow.shipments.by_tracking_number(command.tracking_number)
            if shipment is None or shipment.carrier != API_CARRIER:
                return False
            if not apply_update(shipment, command, self.clock.now()):
                return False
            await uow.shipments.update(shipment)
            await uow.commit()
        return True


class PollCarrier:
    """The shipment poller's pass: a webhook can be lost, so ask the API carrier about each parcel on its
    way (the least recently asked first) and record what is new. Returns how many parcels it asked about."""

    def __init__(self, uow: UnitOfWorkFactory[LogisticsUnitOfWork], api: LogisticsApi, clock: Clock) -> None:
        self.uow, self.api, self.clock = uow, api, clock

    async def __call__(self, command: TrackParcels) -> int:
        async with self.uow() as uow:
            due = await uow.shipments.on_the_way(API_CARRIER, command.limit)
        asked = 0
        for shipment in due:
            try:
                events = await self.api.track(shipment.tracking_number)
            except CarrierUnavailable:
                log.warning("the carrier is unavailable; the poller tries again on its next pass")
                break
            except CarrierRejected as refused:
                log.warning("the carrier refused to track %s: %s", shipment.tracking_number, refused)
                events = []
            asked += 1
            updates = [
                CarrierUpdate(
                    tracking_number=shipment.tracking_number,
                    status=e.status,
                    location=e.location,
                    occurred_at=e.occurred_at,
                    source=TrackingSource.API,
                    ref=e.event_id,
                )
                for e in events
            ]
            await self._record(shipment.id, updates)
        return asked

    async def _record(self, shipment_id: str, updates: list[CarrierUpdate]) -> None:
        for _attempt in range(_ATTEMPTS):
            try:
                async with self.uow() as uow:
                    shipment = await uow.shipments.get(shipment_id)
                    if shipment is None or shipment.carrier != API_CARRIER:
                        return
                    now = self.clock.now()
                    for update in updates:
                        apply_update(shipment, update, now)
                    shipment.tracked(now)
                    await uow.shipments.update(shipment)
                    await uow.commit()
                return
            except Conflict:
                continue  # a webhook recorded news of this parcel meanwhile: apply ours to what it is now
        # Still changing under us (a burst of webhooks): the next pass asks again; nothing is lost.
        log.info("shipment %s kept changing; the poller asks about it on its next pass", shipment_id)


class ShowTracking:
    """The customer's own parcel: another customer's order, or one not shipped yet, is not found. An
    admin is no exception (GET /orders/{id} is the owner's alone too): the back office lists parcels on
    its own route, /admin/shipments."""

    def __init__(self, uow: UnitOfWorkFactory[LogisticsUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: GetTracking) -> TrackingView:
        async with self.uow() as uow:
            shipment = await uow.shipments.by_order(command.order_id)
        if shipment is None or shipment.customer_id != command.principal.user_id:
            raise NotFound("this order has no shipment to track")
        return TrackingView(
            order_id=shipment.order_id,
            status=shipment.status,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            timeline=_timeline(shipment),
        )


class ListCarrierShipments:
    """A direct carrier's shipments, newest first."""

    def __init__(self, uow: UnitOfWorkFactory[LogisticsUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListHandedShipments) -> Page[ShipmentView]:
        command.principal.require(Role.CARRIER)
        async with self.uow() as uow:
            page = await uow.shipments.list(command.page, carrier=command.principal.user_id)
        return Page([shipment_view(s) for s in page.items], page.next_cursor)


def _line(v: Validation, value: str, field: str, max_len: int) -> str:
    """One line of text, its runs of whitespace folded to one space; required."""
    if any(ord(c) < 32 and c != "\t" for c in value):
        v.add(field, "must not contain control characters")
        return value
    text = " ".join(value.split())
    if not text:
        v.add(field, "must not be empty")
    elif len(text) > max_len:
        v.add(field, f"must be at most {max_len} characters")
    return text


class ReportShipmentStatus:
    """A direct carrier reports a parcel handed to them; another's parcel is not found."""

    def __init__(self, uow: UnitOfWorkFactory[LogisticsUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: ReportStatus) -> ShipmentView:
        command.principal.require(Role.CARRIER)
        now = self.clock.now()
        v = Validation()
        status = _carrier_status(command.status)
        v.check(
            status in REPORTABLE,
            "status",
            f"must be one of {', '.join(s.value for s in REPORTABLE)}",
        )
        location = _line(v, command.location, "location", LOCATION_MAX)
        occurred_at = command.occurred_at or now
        v.check(occurred_at <= now, "occurred_at", "must not be in the future")
        v.raise_if_any()
        assert status is not None
        async with self.uow() as uow:
            shipment = await uow.shipments.by_tracking_number(command.tracking_number)
            if shipment is None or shipment.carrier != command.principal.user_id:
                raise NotFound("no such shipment among those handed to you")
            changed = shipment.report(
                status, location=location, occurred_at=occurred_at, source=TrackingSource.CARRIER, now=now
            )
            if changed:
                await uow.shipments.update(shipment)
                await uow.commit()
        return shipment_view(shipment)


class ListAllShipments:
    """The admin's list, newest first, of one status or all."""

    def __init__(self, uow: UnitOfWorkFactory[LogisticsUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListShipments) -> Page[ShipmentView]:
        command.principal.require(Role.ADMIN)
        async with self.uow() as uow:
            page = await uow.shipments.list(command.page, status=command.status)
        return Page([shipment_view(s) for s in page.items], page.next_cursor)


class HandToCarrier:
    """An admin hands a parcel on its way to a direct carrier. The carrier is any user id: roles live in
    the auth context, which this one cannot ask; a user without the carrier role simply never sees it."""

    def __init__(self, uow: UnitOfWorkFactory[LogisticsUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: HandOver) -> ShipmentView:
        command.principal.require(Role.ADMIN)
        v = Validation()
        carrier = command.carrier_id.strip()
        v.check(
            0 < len(carrier) <= CARRIER_ID_MAX and carrier.isprintable() and " " not in carrier,
            "carrier_id",
            f"must be a user id of 1 to {CARRIER_ID_MAX} characters",
        )
        v.raise_if_any()
        async with self.uow() as uow:
            shipment = await uow.shipments.get(command.shipment_id)
            if shipment is None:
                raise NotFound("no such shipment")
            if shipment.hand_to(carrier, command.principal.user_id, self.clock.now()):
                await uow.shipments.update(shipment)
                await uow.commit()
        return shipment_view(shipment)
