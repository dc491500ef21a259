"""The logistics use cases over the in-memory adapters and the sandbox carrier's simulator, wired by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest

from adapters.logistics_api.memory import MemoryLogisticsApi
from adapters.logistics_api.simulator import CarrierSimulator
from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.logistics import LogisticsTables, MemoryLogisticsUnitOfWork
from core.logistics import use_cases as uc
from core.logistics.commands import CarrierUpdate, HandOver, TrackParcels
from core.logistics.desk import ShipmentsForSagas
from core.logistics.model import Shipment, TrackingSource
from core.shared.addresses import PostalAddress
from core.shared.security import Principal, Role
from ports.checkout import OrderedItem, ShipmentState
from tests.support.events import RecordingEventBus

ADMIN = Principal("00000000-0000-7000-8000-0000000000ad", frozenset({Role.CUSTOMER, Role.ADMIN}), "s-admin")
ANN = Principal("00000000-0000-7000-8000-000000000a22", frozenset({Role.CUSTOMER}), "s-ann")
BOB = Principal("00000000-0000-7000-8000-000000000b0b", frozenset({Role.CUSTOMER}), "s-bob")
CAROL = Principal("00000000-0000-7000-8000-0000000ca201", frozenset({Role.CARRIER}), "s-carol")
DAN = Principal("00000000-0000-7000-8000-0000000000da", frozenset({Role.CARRIER}), "s-dan")

HOME = PostalAddress(recipient="Ann Example", line1="Hauptstrasse 1", city="Berlin", postal_code="10115", country="DE")
UNSERVED = attrs.evolve(HOME, postal_code="00000")
ITEMS = [OrderedItem("p-lamp", 2), OrderedItem("p-mug", 1)]
STEP = 30.0


@attrs.define
class LogisticsApp:
    clock: ManualClock
    bus: RecordingEventBus
    simulator: CarrierSimulator
    tables: LogisticsTables = attrs.Factory(LogisticsTables)
    ids: SequentialIds = attrs.Factory(SequentialIds)

    def uow(self) -> MemoryLogisticsUnitOfWork:
        return MemoryLogisticsUnitOfWork(self.tables, self.bus)

    @property
    def api(self) -> MemoryLogisticsApi:
        return MemoryLogisticsApi(self.simulator)

    @property
    def desk(self) -> ShipmentsForSagas:
        return ShipmentsForSagas(self.uow, self.api, self.ids, self.clock)

    @property
    def record(self) -> uc.RecordCarrierUpdate:
        return uc.RecordCarrierUpdate(self.uow, self.clock)

    @property
    def poll(self) -> uc.PollCarrier:
        return uc.PollCarrier(self.uow, self.api, self.clock)

    @property
    def tracking(self) -> uc.ShowTracking:
        return uc.ShowTracking(self.uow)

    @property
    def carried(self) -> uc.ListCarrierShipments:
        return uc.ListCarrierShipments(self.uow)

    @property
    def report(self) -> uc.ReportShipmentStatus:
        return uc.ReportShipmentStatus(self.uow, self.clock)

    @property
    def list_all(self) -> uc.ListAllShipments:
        return uc.ListAllShipments(self.uow)

    @property
    def hand_over(self) -> uc.HandToCarrier:
        return uc.HandToCarrier(self.uow, self.clock)

    # Shortcuts for the set-up of a test.
    async def shipped(self, order_id: str = "o-1", customer: Principal = ANN) -> ShipmentState:
        return await self.desk.create(order_id, customer.user_id, HOME, ITEMS)

    async def handed(self, order_id: str = "o-1", carrier: Principal = CAROL) -> Shipment:
        state = await self.shipped(order_id)
        await self.hand_over(HandOver(ADMIN, state.shipment_id, carrier.user_id))
        stored = await self.stored(order_id)
        assert stored is not None
        return stored

    async def stored(self, order_id: str = "o-1") -> Shipment | None:
        async with self.uow() as uow:
            return await uow.shipments.by_order(order_id)

    async def poll_once(self, limit: int = 100) -> int:
        return await self.poll(TrackParcels(limit))

    def listen(self) -> None:
        """Feed the simulator's events to RecordCarrierUpdate, as config/wiring/logistics.py does."""

        async def record(event: dict[str, Any]) -> None:
            await self.record(
                CarrierUpdate(
                    tracking_number=event["tracking_number"],
                    status=event["status"],
                    location=event["location"],
                    occurred_at=datetime.fromisoformat(event["occurred_at"]),
                    source=TrackingSource.WEBHOOK,
                    ref=event["id"],
                )
            )

        self.simulator.listeners.append(record)

    def event_types(self) -> list[str]:
        return [e.type.split(".")[1] for e in self.bus.delivered]


@pytest.fixture
def logistics(clock: ManualClock, bus: RecordingEventBus) -> LogisticsApp:
    return LogisticsApp(clock, bus, CarrierSimulator(clock, step_seconds=STEP, seed=7))
