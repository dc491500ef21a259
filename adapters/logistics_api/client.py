"""The carrier's API over HTTP (the infra profile; the sandbox carrier speaks the same API).

Each try times out after ``timeout_seconds``. A 5xx, a timeout or a dropped connection is retried
``retries`` times with exponential backoff (``backoff_base`` * 2^n, plus up to 10 % jitter so many
clients do not retry in step); a 4xx is not retried: the carrier refused, and will again. Create and
cancel carry an ``Idempotency-Key``, the same on every try, so a retry never books a second parcel.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import quote

import aiohttp

from adapters.logistics_api import carrier_event, carrier_shipment, parcels_json
from core.shared.addresses import PostalAddress
from ports.logistics import CarrierEvent, CarrierRejected, CarrierShipment, CarrierUnavailable, Parcel

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class _Retry(Exception):
    """A try failed in a way another try may cure."""


class HttpLogisticsApi:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout_seconds: float,
        retries: int,
        backoff_base: float = 0.2,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.retries = retries
        self.backoff_base = backoff_base
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running loop (a session belongs to the loop that made it).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {self._api_key}"})
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def backoff(self, attempt: int) -> float:
        """The pause before retry number ``attempt`` (0 for the first retry)."""
        delay: float = self.backoff_base * 2**attempt
        return delay + random.uniform(0, delay / 10)  # noqa: S311 - jitter, not a secret

    async def _request(
        self, method: str, path: str, *, body: Any = None, key: str | None = None, expect: Sequence[int] = ()
    ) -> tuple[int, Any]:
        """(status, JSON body) of a 2xx or an ``expect``ed answer; ``CarrierRejected`` for another 4xx."""
        headers = {"Idempotency-Key": key} if key is not None else {}
        last = "no answer"
        for attempt in range(self.retries + 1):
            if attempt:
                await self._sleep(self.backoff(attempt - 1))
            try:
                return await self._try(method, path, body, headers, expect)
            except _Retry as failure:
                last = str(failure)
                log.warning(
                    "carrier %s %s failed (try %d of %d): %s", method, path, attempt + 1, self.retries + 1, last
                )
        raise CarrierUnavailable(f"the carrier did not answer {method} {path}: {last}")

    async def _try(
        self, method: str, path: str, body: Any, headers: dict[str, str], expect: Sequence[int]
    ) -> tuple[int, Any]:
        try:
            async with self._client().request(
                method, self.base_url + path, json=body, headers=headers, timeout=self.timeout
            ) as response:
                status = response.status
                if status >= 500:
                    raise _Retry(f"HTTP {status}")
                data = await response.json(content_type=None) if status != 204 else None
        except TimeoutError:
            raise _Retry("timed out") from None
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}") from None
        except ValueError:
            raise CarrierRejected(
                f"the carrier answered {method} {path} with something that is not JSON", 502
            ) from None
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
