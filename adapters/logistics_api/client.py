"""The carrier's API over HTTP (the infra profile; the sandbox carrier speaks the same API).

Every call runs under the outbound policy (``adapters.outbound``): a 5xx, a timeout or a dropped
connection is repeated with backoff; a 4xx is not: the carrier refused, and will again. Create and cancel
carry an ``Idempotency-Key``, the same on every try, so a repeat never books a second parcel; tracking is
a GET, safe to repeat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from adapters.logistics_api import carrier_event, carrier_shipment, parcels_json
from adapters.outbound import OutboundApi, OutboundMetrics, OutboundPolicy, Sleep, Unreachable
from core.shared.addresses import PostalAddress
from ports.logistics import CarrierEvent, CarrierRejected, CarrierShipment, CarrierUnavailable, Parcel


class HttpLogisticsApi:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout_seconds: float,
        retries: int,
        backoff_seconds: float = 0.2,
        deadline_seconds: float | None = None,
        metrics: OutboundMetrics | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        policy = OutboundPolicy(timeout_seconds, retries, backoff_seconds, deadline_seconds)
        headers = {"Authorization": f"Bearer {api_key}"}
        self.api = OutboundApi("carrier", base_url, policy, headers=headers, metrics=metrics, sleep=sleep)

    async def close(self) -> None:
        await self.api.close()

    async def _request(
        self, method: str, path: str, *, body: Any = None, key: str | None = None, expect: Sequence[int] = ()
    ) -> tuple[int, Any]:
        """(status, JSON body) of a 2xx or an ``expect``ed answer; ``CarrierRejected`` for another 4xx."""
        try:
            status, data = await self.api.call(method, path, body=body, key=key)
        except Unreachable as error:
            raise CarrierUnavailable(str(error)) from error
        if 200 <= status < 300 or status in expect:
            return status, data
        message = data.get("error") if isinstance(data, dict) else None
        raise CarrierRejected(str(message or f"HTTP {status}"), status)

    async def create_shipment(
        self, key: str, reference: str, address: PostalAddress, parcels: Sequence[Parcel]
    ) -> CarrierShipment:
        body = {"reference": reference, "address": address.as_dict(), "parcels": parcels_json(parcels)}
        _, data = await self._request("POST", "/v1/shipments", body=body, key=key)
        return carrier_shipment(data)

    async def cancel(self, tracking_number: str) -> bool:
        path = f"/v1/shipments/{quote(tracking_number, safe='')}/cancel"
        status, _ = await self._request("POST", path, key=f"{tracking_number}:cancel", expect=(409,))
        return status != 409

    async def track(self, tracking_number: str) -> list[CarrierEvent]:
        _, data = await self._request("GET", f"/v1/shipments/{quote(tracking_number, safe='')}")
        return [carrier_event(e) for e in data.get("events", [])]
