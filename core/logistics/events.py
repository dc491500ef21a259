"""Events of the logistics context: a shipment's life as its carrier reports it, keyed by order."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.shared.events import Event, domain_event


@domain_event("logistics.ShipmentCreated.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ShipmentCreated(Event):
    shipment_id: str
    order_id: str
    carrier: str
    tracking_number: str


@domain_event("logistics.ShipmentStatusChanged.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ShipmentStatusChanged(Event):
    """``status`` is one of accepted, in_transit, out_for_delivery, delivered, lost, cancelled."""

    shipment_id: str
    order_id: str
    status: str
    previous_status: str
    location: str
    reported_at: datetime


@domain_event("logistics.ShipmentDelivered.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ShipmentDelivered(Event):
    shipment_id: str
    order_id: str


@domain_event("logistics.ShipmentLost.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ShipmentLost(Event):
    shipment_id: str
    order_id: str


@domain_event("logistics.ShipmentCancelled.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ShipmentCancelled(Event):
    shipment_id: str
    order_id: str


@domain_event("logistics.ShipmentHandedOver.v1", key="order_id")
@attrs.frozen(kw_only=True)
class ShipmentHandedOver(Event):
    """An admin gave the parcel to a direct carrier (``carrier`` is their user id), who reports from now on."""

    shipment_id: str
    order_id: str
    carrier: str
    previous_carrier: str
    by: str
