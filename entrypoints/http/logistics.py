"""Logistics routes: a customer's tracking, the carrier's webhook, direct carriers' reports, the admin's desk."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import attrs

from config.settings import Settings
from core.logistics import commands as c
from core.logistics import use_cases as uc
from core.logistics.model import CARRIER_ID_MAX, LOCATION_MAX, TrackingSource
from core.shared import signatures
from core.shared.errors import FieldError
from core.shared.pagination import MAX_LIMIT, PageRequest
from entrypoints.http.problems import MalformedBody
from entrypoints.http.routing import ADMIN, CARRIER, PUBLIC, Call, Endpoint
from entrypoints.http.schema import limits, parse
from ports.checkout import ShipmentStatus
from ports.shared import Clock

TAG = "logistics"
SIGNATURE_HEADER = "Carrier-Signature"
# A signed webhook older (or newer) than this is refused: a captured request cannot be replayed later.


@attrs.frozen
class CarrierWebhook:
    """A carrier event as the carrier's webhook sends it (fields it adds beyond these are ignored)."""

    id: str = attrs.field(metadata=limits(min_length=1, max_length=128))
    tracking_number: str = attrs.field(metadata=limits(min_length=1, max_length=64))
    status: str = attrs.field(metadata=limits(max_length=32))
    location: str = attrs.field(metadata=limits(max_length=200))
    occurred_at: datetime


@attrs.frozen
class CarrierWebhookReceipt:
    received: bool
    recorded: bool  # false when it was not news (a repeat, a stale report, an unknown parcel)


@attrs.frozen
class ParcelReportBody:
    """What a direct carrier saw: the new status, where, and when (now if not said; never in the future)."""

    status: str = attrs.field(metadata=limits(max_length=32))
    location: str = attrs.field(metadata=limits(min_length=1, max_length=LOCATION_MAX))
    occurred_at: datetime | None = None


@attrs.frozen
class CarrierBody:
    """The user id of the direct carrier who takes the parcel over. This context cannot see roles: any
    user id is accepted, and the parcel shows up only for a user who has the carrier role."""

    carrier_id: str = attrs.field(metadata=limits(min_length=1, max_length=CARRIER_ID_MAX))


@attrs.frozen
class PageQuery:
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class ShipmentsQuery:
    status: ShipmentStatus | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class ShipmentPage:
    items: list[c.ShipmentView]
    next_cursor: str | None


async def receive_carrier_webhook(call: Call[None, None]) -> CarrierWebhookReceipt:
    raw = await call.request.read()
    settings = call.resolve(Settings)
    # Checked over the bytes as sent, before anything is read from them; fresh by the shop's clock.
    now = call.resolve(Clock).now().timestamp()
    signatures.verify(
        SIGNATURE_HEADER, settings.logistics_webhook_secret, call.request.headers.get(SIGNATURE_HEADER), raw, now
    )
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedBody([FieldError("body", f"is not valid JSON ({exc})")]) from None
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k in attrs.fields_dict(CarrierWebhook)}
    event = parse(data, CarrierWebhook)
    update = c.CarrierUpdate(
        tracking_number=event.tracking_number,
        status=event.status,
        location=event.location,
        occurred_at=event.occurred_at,
        source=TrackingSource.WEBHOOK,
        ref=event.id,
    )
    recorded = await call.resolve(uc.RecordCarrierUpdate)(update)
    return CarrierWebhookReceipt(received=True, recorded=recorded)


async def get_order_tracking(call: Call[None, None]) -> c.TrackingView:
    return await call.resolve(uc.ShowTracking)(c.GetTracking(call.user, call.path("order_id")))


async def list_my_carried_shipments(call: Call[None, PageQuery]) -> ShipmentPage:
    command = c.ListHandedShipments(call.user, PageRequest(call.query.limit, call.query.cursor))
    page = await call.resolve(uc.ListCarrierShipments)(command)
    return ShipmentPage(list(page.items), page.next_cursor)


async def report_shipment_event(call: Call[ParcelReportBody, None]) -> c.ShipmentView:
    b = call.body
    command = c.ReportStatus(call.user, call.path("tracking_number"), b.status, b.location, b.occurred_at)
    return await call.resolve(uc.ReportShipmentStatus)(command)


async def list_shipments(call: Call[None, ShipmentsQuery]) -> ShipmentPage:
    q = call.query
    page = await call.resolve(uc.ListAllShipments)(c.ListShipments(call.user, q.status, PageRequest(q.limit, q.cursor)))
    return ShipmentPage(list(page.items), page.next_cursor)


async def hand_shipment_to_carrier(call: Call[CarrierBody, None]) -> c.ShipmentView:
    command = c.HandOver(call.user, call.path("shipment_id"), call.body.carrier_id)
    return await call.resolve(uc.HandToCarrier)(command)


def _logistics(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, tag=TAG, **kw)


ENDPOINTS = [
    _logistics(
        "GET",
        "/orders/{order_id}/tracking",
        get_order_tracking,
        "Track the parcel of one of my orders",
        group=PUBLIC,
        response=c.TrackingView,
        description="The timeline is oldest first (the newest entry last). Not found until the order has a "
        "shipment, and for another customer's order.",
    ),
    _logistics(
        "POST",
        "/logistics/webhooks/carrier",
        receive_carrier_webhook,
        "The carrier's webhook: one event of a parcel",
        group=PUBLIC,
        authenticated=False,
        response=CarrierWebhookReceipt,
        errors=(400, 401, 409, 413, 422),
        description=(
            "No bearer token: the carrier signs the raw body. Header `Carrier-Signature: t=<unix seconds>,"
            "v1=<hex>` where hex is HMAC-SHA256(secret, `<t>.<raw body>`); refused (401) when missing, "
            "malformed, wrong, or more than 300 s off. Body: `{id, tracking_number, status, location, "
            "occurred_at}` (other fields are ignored). A repeated event, a stale one or an unknown tracking "
            "number is answered 200 and changes nothing, so the carrier stops resending it."
        ),
    ),
    _logistics(
        "GET",
        "/shipments",
        list_my_carried_shipments,
        "The shipments handed to me, newest first",
        group=CARRIER,
        query=PageQuery,
        response=ShipmentPage,
    ),
    _logistics(
        "POST",
        "/shipments/{tracking_number}/events",
        report_shipment_event,
        "Report a parcel's progress",
        group=CARRIER,
        body=ParcelReportBody,
        response=c.ShipmentView,
        errors=(409,),
        description="Status is in_transit, out_for_delivery, delivered or lost. A repeated or earlier status "
        "changes nothing; a move a shipment cannot make (a delivered parcel lost) is a conflict. Only "
        "shipments handed to you: another's is not found.",
    ),
    _logistics(
        "GET",
        "/shipments",
        list_shipments,
        "List shipments, newest first",
        group=ADMIN,
        query=ShipmentsQuery,
        response=ShipmentPage,
    ),
    _logistics(
        "POST",
        "/shipments/{shipment_id}/carrier",
        hand_shipment_to_carrier,
        "Hand a parcel on its way to a direct carrier",
        group=ADMIN,
        body=CarrierBody,
        response=c.ShipmentView,
        errors=(409,),
        description="The carrier is named by user id (1 to 64 characters). Roles live in the auth context, "
        "which logistics cannot ask: any user id is accepted, and the parcel shows up only for a user with "
        "the carrier role. From then on that carrier reports the parcel's progress.",
    ),
]
