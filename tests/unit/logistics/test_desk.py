"""ShipmentsForSagas: the saga books, repeats and cancels parcels; every call idempotent on the order."""

from __future__ import annotations

import pytest

from core.shared.errors import Unavailable
from ports.checkout import ShipmentRefused, ShipmentStatus

from .conftest import ANN, HOME, ITEMS, UNSERVED, LogisticsApp


async def test_create_books_the_parcel_and_stores_the_shipment(logistics: LogisticsApp) -> None:
    state = await logistics.shipped("o-1")
    assert state.order_id == "o-1"
    assert state.status == "accepted"
    assert state.carrier == "sandbox"
    assert state.tracking_number.startswith("SBX")
    assert len(state.tracking_number) == 13
    stored = await logistics.stored("o-1")
    assert stored is not None
    assert stored.customer_id == ANN.user_id
    assert stored.address == HOME
    assert [(i.product_id, i.quantity) for i in stored.items] == [("p-lamp", 2), ("p-mug", 1)]
    assert stored.label_url.endswith(f"/v1/labels/{state.tracking_number}")
    assert logistics.event_types() == ["ShipmentCreated"]
    parcel = logistics.simulator.parcel(state.tracking_number)
    assert parcel.reference == "o-1"
    assert parcel.parcels == [
        {"items": [{"product_id": "p-lamp", "quantity": 2}, {"product_id": "p-mug", "quantity": 1}]}
    ]


async def test_a_repeated_create_returns_the_same_shipment_and_books_nothing_more(logistics: LogisticsApp) -> None:
    first = await logistics.shipped("o-1")
    again = await logistics.shipped("o-1")
    assert again == first
    assert len(logistics.simulator.parcels) == 1
    assert logistics.event_types() == ["ShipmentCreated"]


async def test_a_crash_after_booking_books_the_same_parcel_again(logistics: LogisticsApp) -> None:
    # The carrier booked the parcel but the shop never stored it (a crash): the same idempotency key
    # gets the same parcel, not a second one.
    booked = await logistics.api.create_shipment("o-1:shipment", "o-1", HOME, [])
    state = await logistics.shipped("o-1")
    assert state.tracking_number == booked.tracking_number
    assert len(logistics.simulator.parcels) == 1


async def test_an_unreachable_carrier_is_unavailable_and_stores_nothing(logistics: LogisticsApp) -> None:
    logistics.simulator.failure_rate = 1.0
    with pytest.raises(Unavailable):
        await logistics.shipped("o-1")
    assert await logistics.stored("o-1") is None
    logistics.simulator.failure_rate = 0.0
    assert (await logistics.shipped("o-1")).status == "accepted"


async def test_an_address_the_carrier_refuses_is_a_conflict(logistics: LogisticsApp) -> None:
    with pytest.raises(ShipmentRefused, match="refused"):
        await logistics.desk.create("o-1", ANN.user_id, UNSERVED, ITEMS)
    assert await logistics.stored("o-1") is None


async def test_cancel_while_accepted_calls_the_parcel_off(logistics: LogisticsApp) -> None:
    state = await logistics.shipped("o-1")
    assert await logistics.desk.cancel("o-1") is True
    assert await logistics.desk.cancel("o-1") is True  # a repeat
    stored = await logistics.stored("o-1")
    assert stored is not None
    assert stored.status is ShipmentStatus.CANCELLED
    assert logistics.simulator.parcel(state.tracking_number).status == "cancelled"
    assert logistics.event_types() == ["ShipmentCreated", "ShipmentStatusChanged", "ShipmentCancelled"]


async def test_cancel_without_a_shipment_is_true(logistics: LogisticsApp) -> None:
    assert await logistics.desk.cancel("o-none") is True


async def test_cancel_is_too_late_once_the_carrier_has_the_parcel(logistics: LogisticsApp) -> None:
    state = await logistics.shipped("o-1")
    await logistics.simulator.advance(state.tracking_number)  # picked up; the shop has not heard yet
    assert await logistics.desk.cancel("o-1") is False
    stored = await logistics.stored("o-1")
    assert stored is not None
    assert stored.status is ShipmentStatus.ACCEPTED
    await logistics.poll_once()
    assert await logistics.desk.cancel("o-1") is False


async def test_cancel_when_the_carrier_is_down_is_unavailable(logistics: LogisticsApp) -> None:
    await logistics.shipped("o-1")
    logistics.simulator.failure_rate = 1.0
    with pytest.raises(Unavailable):
        await logistics.desk.cancel("o-1")
    stored = await logistics.stored("o-1")
    assert stored is not None
    assert stored.status is ShipmentStatus.ACCEPTED
