"""The logistics side of the checkout saga: ``ShippingDesk`` as the orchestrator calls it.

Every call is idempotent on the order id. The carrier is booked with the idempotency key
``<order id>:shipment``, so a saga that repeats ``create`` after a crash between the carrier's answer and
our commit gets the same parcel back from the carrier, never a second one.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.logistics.model import API_CARRIER, Shipment, ShipmentItem
from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict, Unavailable
from ports.checkout import OrderedItem, ShipmentRefused, ShipmentState, ShipmentStatus
from ports.logistics import CarrierRejected, CarrierUnavailable, LogisticsApi, LogisticsUnitOfWork, Parcel, ParcelItem
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory


def shipment_state(shipment: Shipment) -> ShipmentState:
    return ShipmentState(
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        status=shipment.status,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
    )


class ShipmentsForSagas:
    def __init__(
        self, uow: UnitOfWorkFactory[LogisticsUnitOfWork], api: LogisticsApi, ids: IdGenerator, clock: Clock
    ) -> None:
        self.uow, self.api, self.ids, self.clock = uow, api, ids, clock

    async def _stored(self, order_id: str) -> Shipment | None:
        async with self.uow() as uow:
            return await uow.shipments.by_order(order_id)

    async def create(
        self, order_id: str, customer_id: str, address: PostalAddress, items: Sequence[OrderedItem]
    ) -> ShipmentState:
        """Book the parcel and store the shipment; a repeat returns the stored one. ``Unavailable`` when
        the carrier cannot be reached; ``ShipmentRefused`` when it refuses the parcel (an address it cannot serve):
        trying again will not help."""
        stored = await self._stored(order_id)
        if stored is not None:
            return shipment_state(stored)
        parcel = Parcel(tuple(ParcelItem(i.product_id, i.quantity) for i in items))
        try:
            booked = await self.api.create_shipment(f"{order_id}:shipment", order_id, address, [parcel])
        except CarrierUnavailable as exc:
            raise Unavailable(f"the carrier is unavailable: {exc}") from exc
        except CarrierRejected as exc:
            raise ShipmentRefused(f"the carrier refused the parcel: {exc.message}") from exc
        shipment = Shipment.book(
            shipment_id=self.ids.new_id(),
            order_id=order_id,
            customer_id=customer_id,
            carrier=API_CARRIER,
            tracking_number=booked.tracking_number,
            label_url=booked.label_url,
            address=address,
            items=tuple(ShipmentItem(i.product_id, i.quantity) for i in items),
            now=self.clock.now(),
        )
        try:
            async with self.uow() as uow:
                await uow.shipments.add(shipment)
                await uow.commit()
        except Conflict:
            # The same order booked twice at once: the carrier gave both the same parcel (same key); the
            # other call stored it first.
            stored = await self._stored(order_id)
            if stored is None:
                raise
            return shipment_state(stored)
        return shipment_state(shipment)

    async def cancel(self, order_id: str) -> bool:
        """True when the parcel is called off (or there is none), False once the carrier has it."""
        stored = await self._stored(order_id)
        if stored is None or stored.status is ShipmentStatus.CANCELLED:
            return True
        if stored.status is not ShipmentStatus.ACCEPTED:
            return False
        if stored.carrier == API_CARRIER:
            try:
                if not await self.api.cancel(stored.tracking_number):
                    return False  # picked up meanwhile: the poller or a webhook brings the news
            except CarrierUnavailable as exc:
                raise Unavailable(f"the carrier is unavailable: {exc}") from exc
            except CarrierRejected as exc:
                raise Conflict(f"the carrier refused to cancel the parcel: {exc.message}") from exc
        async with self.uow() as uow:
            shipment = await uow.shipments.by_order(order_id)
            if shipment is None or shipment.status is ShipmentStatus.CANCELLED:
                return True
            if shipment.status is not ShipmentStatus.ACCEPTED:
                return False
            shipment.cancel(self.clock.now())
            await uow.shipments.update(shipment)
            await uow.commit()
        return True
