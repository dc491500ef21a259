"""The carrier's API: the HTTP client (client.py), the sandbox carrier (simulator.py) with its HTTP app
(sandbox.py), and the in-process adapter over the simulator (memory.py). The wire format lives here, so
the client and the in-process adapter read and write the same JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ports.logistics import CarrierEvent, CarrierShipment, Parcel


def parcels_json(parcels: Sequence[Parcel]) -> list[dict[str, Any]]:
    return [{"items": [{"product_id": i.product_id, "quantity": i.quantity} for i in p.items]} for p in parcels]


def carrier_shipment(data: dict[str, Any]) -> CarrierShipment:
    return CarrierShipment(
        tracking_number=str(data["tracking_number"]), label_url=str(data["label_url"]), status=str(data["status"])
    )


def carrier_event(data: dict[str, Any]) -> CarrierEvent:
    return CarrierEvent(
        event_id=str(data["id"]),
        status=str(data["status"]),
        location=str(data["location"]),
        occurred_at=datetime.fromisoformat(str(data["occurred_at"])),
    )
