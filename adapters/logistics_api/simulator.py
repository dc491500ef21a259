"""The sandbox carrier's behaviour, shared by its HTTP app (sandbox.py) and the in-process adapter (memory.py).

Parcels move accepted -> in_transit -> out_for_delivery -> delivered, one step every ``step_seconds`` of
the clock each time ``tick()`` runs (``step_seconds`` 0: only when told), or when told: ``advance``,
``deliver``, ``lose``. A parcel can be cancelled while it is accepted only. Every status change is an
event (the carrier's webhook payload), kept in the parcel's history (what tracking returns), in
``webhooks``, and handed to every listener. ``failure_rate`` makes that share of API calls fail (503)
before anything happens, for chaos tests; ``seed`` makes the faults and the numbers repeatable.

Test addresses: a postal code of ``00000`` (or the country ``AQ``) is one the carrier does not serve.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import attrs

from ports.shared import Clock

log = logging.getLogger(__name__)

ACCEPTED, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, LOST, CANCELLED = (
    "accepted",
    "in_transit",
    "out_for_delivery",
    "delivered",
    "lost",
    "cancelled",
)
_NEXT = {ACCEPTED: IN_TRANSIT, IN_TRANSIT: OUT_FOR_DELIVERY, OUT_FOR_DELIVERY: DELIVERED}
FINAL = frozenset({DELIVERED, LOST, CANCELLED})
UNSERVED_POSTAL_CODE = "00000"
UNSERVED_COUNTRY = "AQ"
DEFAULT_LABEL_BASE = "http://127.0.0.1:8092/v1/labels"
# The webhook events the sandbox keeps to show (GET /v1/webhooks): the latest ones, not every one ever sent.
WEBHOOKS_KEPT = 1000

Listener = Callable[[dict[str, Any]], Awaitable[None]]


class UnknownParcel(LookupError):
    pass


class ParcelRefused(ValueError):
    """The carrier cannot take this parcel (an address it does not serve, a malformed request)."""


class TooLate(Exception):
    """The move is not possible any more (cancel once picked up, advance a delivered parcel)."""


@attrs.define
class SandboxParcel:
    tracking_number: str
    reference: str
    address: dict[str, Any]
    parcels: list[Any]
    status: str
    moved_at: Any  # the datetime of its last move: the clock drives the next
    history: list[dict[str, Any]] = attrs.Factory(list)

    def as_json(self, label_base: str) -> dict[str, Any]:
        return {
            "tracking_number": self.tracking_number,
            "reference": self.reference,
            "status": self.status,
            "label_url": f"{label_base}/{self.tracking_number}",
            "events": list(self.history),
        }


class CarrierSimulator:
    def __init__(
        self, clock: Clock, *, step_seconds: float, seed: int | None = None, label_base: str = DEFAULT_LABEL_BASE
    ) -> None:
        self.clock = clock
        self.step_seconds = step_seconds
        self.label_base = label_base
        self.failure_rate = 0.0
        self.injected = 0  # the calls answered 503 by ``failure_rate`` so far
        self.parcels: dict[str, SandboxParcel] = {}
        self.webhooks: deque[dict[str, Any]] = deque(maxlen=WEBHOOKS_KEPT)  # the latest ones
        self.listeners: list[Listener] = []
        self._keys: dict[str, str] = {}  # idempotency key -> tracking number
        self._random = random.Random(seed)  # noqa: S311 - a simulation, not a secret

    def reseed(self, seed: int | None) -> None:
        self._random = random.Random(seed)  # noqa: S311

    def fails(self) -> bool:
        """Whether this API call is one of the injected faults (decided before it does anything)."""
        fails = self.failure_rate > 0 and self._random.random() < self.failure_rate
        self.injected += fails
        return fails

    def parcel(self, tracking_number: str) -> SandboxParcel:
        found = self.parcels.get(tracking_number)
        if found is None:
            raise UnknownParcel(tracking_number)
        return found

    def booked(self, key: str) -> SandboxParcel | None:
        """The parcel an earlier create with this idempotency key booked, if any."""
        number = self._keys.get(key)
        return None if number is None else self.parcels[number]

    async def create(self, key: str, reference: str, address: dict[str, Any], parcels: list[Any]) -> SandboxParcel:
        """Book a parcel; the same ``key`` again returns the parcel it booked, whatever else is sent."""
        existing = self._keys.get(key)
        if existing is not None:
            return self.parcels[existing]
        if str(address.get("postal_code", "")).strip() == UNSERVED_POSTAL_CODE or (
            str(address.get("country", "")).upper() == UNSERVED_COUNTRY
        ):
            raise ParcelRefused("the carrier does not deliver to this address")
        number = self._tracking_number()
        parcel = SandboxParcel(number, reference, dict(address), list(parcels), ACCEPTED, self.clock.now())
        self.parcels[number] = parcel
        self._keys[key] = number
        await self._event(parcel, "Sandbox depot")
        return parcel

    async def cancel(self, tracking_number: str) -> bool:
        parcel = self.parcel(tracking_number)
        if parcel.status == CANCELLED:
            return True
        if parcel.status != ACCEPTED:
            return False
        await self._move(parcel, CANCELLED)
        return True

    async def advance(self, tracking_number: str) -> SandboxParcel:
        """One step along the way; ``TooLate`` once delivered, lost or cancelled."""
        parcel = self.parcel(tracking_number)
        if parcel.status in FINAL:
            raise TooLate(f"the parcel is {parcel.status}")
        await self._move(parcel, _NEXT[parcel.status])
        return parcel

    async def deliver(self, tracking_number: str) -> SandboxParcel:
        parcel = self.parcel(tracking_number)
        if parcel.status in FINAL and parcel.status != DELIVERED:
            raise TooLate(f"the parcel is {parcel.status}")
        while parcel.status != DELIVERED:
            await self._move(parcel, _NEXT[parcel.status])
        return parcel

    async def lose(self, tracking_number: str) -> SandboxParcel:
        """Lost on the way; an accepted parcel is first picked up (lost needs the carrier to have it)."""
        parcel = self.parcel(tracking_number)
        if parcel.status in FINAL:
            raise TooLate(f"the parcel is {parcel.status}")
        if parcel.status == ACCEPTED:
            await self._move(parcel, IN_TRANSIT)
        await self._move(parcel, LOST)
        return parcel

    async def tick(self) -> int:
        """Move every parcel as far as the clock says; return how many steps were made."""
        if self.step_seconds <= 0:
            return 0
        step = timedelta(seconds=self.step_seconds)
        now, moved = self.clock.now(), 0
        for parcel in list(self.parcels.values()):
            while parcel.status not in FINAL and now - parcel.moved_at >= step:
                due = parcel.moved_at + step
                await self._move(parcel, _NEXT[parcel.status])
                parcel.moved_at = due  # steps keep their pace even when ticks come late
                moved += 1
        return moved

    def _tracking_number(self) -> str:
        while True:
            number = f"SBX{self._random.randrange(10**10):010d}"
            if number not in self.parcels:
                return number

    def _location(self, parcel: SandboxParcel, status: str) -> str:
        city = str(parcel.address.get("city", "")) or "destination"
        return {
            IN_TRANSIT: "Sandbox sorting hub",
            OUT_FOR_DELIVERY: f"{city} delivery station",
            DELIVERED: city,
            LOST: "Sandbox sorting hub",
        }.get(status, "Sandbox depot")

    async def _move(self, parcel: SandboxParcel, status: str) -> None:
        parcel.status = status
        parcel.moved_at = self.clock.now()
        await self._event(parcel, self._location(parcel, status))

    async def _event(self, parcel: SandboxParcel, location: str) -> None:
        event = {
            "id": f"cev_{self._random.getrandbits(64):016x}",
            "tracking_number": parcel.tracking_number,
            "reference": parcel.reference,
            "status": parcel.status,
            "location": location,
            "occurred_at": self.clock.now().isoformat(),
        }
        parcel.history.append(event)
        self.webhooks.append(event)
        for listener in list(self.listeners):
            try:
                await listener(event)
            except Exception:
                # A listener that fails loses nothing: the poller reads the parcel's history later.
                log.exception("a sandbox carrier listener failed on %s", event["id"])
