"""Commands and results of the logistics use cases."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.logistics.model import TrackingSource
from core.shared.addresses import PostalAddress
from core.shared.pagination import PageRequest
from core.shared.security import Principal
from ports.checkout import ShipmentStatus


@attrs.frozen(kw_only=True)
class CarrierUpdate:
    """What the API carrier said about one of its parcels: a webhook, a poll, an in-process listener.
    ``status`` is the carrier's word, checked by the use case (an unknown one is ignored, not an error)."""

    tracking_number: str
    status: str
    location: str
    occurred_at: datetime
    source: TrackingSource
    ref: str


@attrs.frozen
class TrackParcels:
    """One pass of the shipment poller: ask the carrier about at most ``limit`` parcels on their way."""

    limit: int = 100


@attrs.frozen
class GetTracking:
    principal: Principal
    order_id: str


@attrs.frozen
class ListHandedShipments:
    """A direct carrier's own list: the shipments an admin handed to them."""

    principal: Principal
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class ReportStatus:
    """A direct carrier's report; ``occurred_at`` defaults to now and may not be in the future."""

    principal: Principal
    tracking_number: str
    status: str
    location: str
    occurred_at: datetime | None = None


@attrs.frozen
class ListShipments:
    principal: Principal
    status: ShipmentStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class HandOver:
    principal: Principal
    shipment_id: str
    carrier_id: str


@attrs.frozen
class TimelineEntry:
    status: ShipmentStatus
    location: str
    at: datetime


@attrs.frozen
class TrackingView:
    """What a customer sees of their order's parcel: its timeline, newest last."""

    order_id: str
    status: ShipmentStatus
    carrier: str
    tracking_number: str
    timeline: list[TimelineEntry]


@attrs.frozen
class ShippedItem:
    product_id: str
    quantity: int


@attrs.frozen
class ShipmentView:
    """What an admin or the shipment's carrier sees: where it goes, what is inside, where it stands."""

    shipment_id: str
    order_id: str
    status: ShipmentStatus
    carrier: str
    tracking_number: str
    label_url: str
    address: PostalAddress
    items: list[ShippedItem]
    timeline: list[TimelineEntry]
    created_at: datetime
    updated_at: datetime
