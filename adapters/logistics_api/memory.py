"""The carrier's API in-process: the sandbox carrier's simulator called directly (the memory profile)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.logistics_api import carrier_event, carrier_shipment, parcels_json
from adapters.logistics_api.simulator import CarrierSimulator, ParcelRefused, UnknownParcel
from core.shared.addresses import PostalAddress
from ports.logistics import CarrierEvent, CarrierRejected, CarrierShipment, CarrierUnavailable, Parcel


class MemoryLogisticsApi:
    def __init__(self, simulator: CarrierSimulator) -> None:
        self.simulator = simulator

    def _chaos(self) -> None:
        if self.simulator.fails():
            raise CarrierUnavailable("the sandbox carrier answered 503 (an injected fault)")

    async def create_shipment(
        self, key: str, reference: str, address: PostalAddress, parcels: Sequence[Parcel]
    ) -> CarrierShipment:
        self._chaos()
        try:
            parcel = await self.simulator.create(key, reference, address.as_dict(), parcels_json(parcels))
        except ParcelRefused as refused:
            raise CarrierRejected(str(refused), 422) from None
        return carrier_shipment(parcel.as_json(self.simulator.label_base))

    async def cancel(self, tracking_number: str) -> bool:
        self._chaos()
        try:
            return await self.simulator.cancel(tracking_number)
        except UnknownParcel:
            raise CarrierRejected(f"no shipment {tracking_number}", 404) from None

    async def track(self, tracking_number: str) -> list[CarrierEvent]:
        self._chaos()
        try:
            parcel = self.simulator.parcel(tracking_number)
        except UnknownParcel:
            raise CarrierRejected(f"no shipment {tracking_number}", 404) from None
        return [carrier_event(e) for e in parcel.history]
