"""RecordCarrierUpdate and the poller: what the API carrier says reaches the shipment, once."""

from __future__ import annotations

from datetime import UTC, datetime

from core.logistics.commands import CarrierUpdate, HandOver
from core.logistics.model import TrackingSource
from ports.checkout import ShipmentStatus

from .conftest import ADMIN, CAROL, STEP, LogisticsApp

S = ShipmentStatus


def update(tracking_number: str, status: str, ref: str) -> CarrierUpdate:
    return CarrierUpdate(
        tracking_number=tracking_number,
        status=status,
        location="Hub",
        occurred_at=datetime(2026, 1, 1, 13, tzinfo=UTC),
        source=TrackingSource.WEBHOOK,
        ref=ref,
    )


async def test_an_update_moves_the_shipment_and_a_repeat_changes_nothing(logistics: LogisticsApp) -> None:
    state = await logistics.shipped()
    assert await logistics.record(update(state.tracking_number, "in_transit", "cev_1")) is True
    assert await logistics.record(update(state.tracking_number, "in_transit", "cev_1")) is False
    stored = await logistics.stored()
    assert stored is not None
    assert stored.status is S.IN_TRANSIT
    assert [(e.status, e.source, e.ref) for e in stored.timeline[1:]] == [
        (S.IN_TRANSIT, TrackingSource.WEBHOOK, "cev_1")
    ]
    assert logistics.event_types() == ["ShipmentCreated", "ShipmentStatusChanged"]


async def test_unknown_parcels_unknown_statuses_stale_and_forbidden_updates_are_ignored(
    logistics: LogisticsApp,
) -> None:
    state = await logistics.shipped()
    tn = state.tracking_number
    assert await logistics.record(update("SBX9999999999", "delivered", "cev_x")) is False
    assert await logistics.record(update(tn, "teleported", "cev_2")) is False
    assert await logistics.record(update(tn, "lost", "cev_3")) is False  # lost before pick-up: dropped
    assert await logistics.record(update(tn, "out_for_delivery", "cev_4")) is True
    assert await logistics.record(update(tn, "in_transit", "cev_5")) is False  # stale
    stored = await logistics.stored()
    assert stored is not None
    assert stored.status is S.OUT_FOR_DELIVERY
    assert len(stored.timeline) == 2


async def test_a_parcel_handed_to_a_direct_carrier_ignores_the_api_carrier(logistics: LogisticsApp) -> None:
    shipment = await logistics.handed(carrier=CAROL)
    assert await logistics.record(update(shipment.tracking_number, "in_transit", "cev_1")) is False
    await logistics.simulator.deliver(shipment.tracking_number)
    assert await logistics.poll_once() == 0  # not the API carrier's any more
    stored = await logistics.stored()
    assert stored is not None
    assert stored.status is S.ACCEPTED


async def test_the_simulators_listeners_deliver_the_parcel_as_the_clock_moves(logistics: LogisticsApp) -> None:
    logistics.listen()
    state = await logistics.shipped()
    logistics.clock.advance(STEP)
    assert await logistics.simulator.tick() == 1
    stored = await logistics.stored()
    assert stored is not None
    assert stored.status is S.IN_TRANSIT
    logistics.clock.advance(STEP * 5)
    assert await logistics.simulator.tick() == 2
    stored = await logistics.stored()
    assert stored is not None
    assert stored.status is S.DELIVERED
    assert [e.status for e in stored.timeline] == [S.ACCEPTED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert stored.timeline[-1].location == "Berlin"
    assert logistics.event_types()[-2:] == ["ShipmentStatusChanged", "ShipmentDelivered"]
    assert logistics.simulator.parcel(state.tracking_number).status == "delivered"


async def test_the_poller_records_what_is_new_once(logistics: LogisticsApp) -> None:
    state = await logistics.shipped()
    await logistics.simulator.advance(state.tracking_number)
    await logistics.simulator.advance(state.tracking_number)
    assert await logistics.poll_once() == 1
    stored = await logistics.stored()
    assert stored is not None
    assert stored.status is S.OUT_FOR_DELIVERY
    assert [e.source for e in stored.timeline[1:]] == [TrackingSource.API, TrackingSource.API]
    assert stored.tracked_at == logistics.clock.now()
    changes = logistics.event_types().count("ShipmentStatusChanged")
    assert await logistics.poll_once() == 1
    assert logistics.event_types().count("ShipmentStatusChanged") == changes


async def test_the_poller_catches_a_lost_parcel(logistics: LogisticsApp) -> None:
    state = await logistics.shipped()
    await logistics.simulator.lose(state.tracking_number)
    await logistics.poll_once()
    stored = await logistics.stored()
    assert stored is not None
    assert stored.status is S.LOST
    assert "ShipmentLost" in logistics.event_types()
    assert await logistics.poll_once() == 0  # lost is final: nothing left to ask about


async def test_the_poller_takes_turns_across_passes(logistics: LogisticsApp) -> None:
    for n in range(3):
        await logistics.shipped(f"o-{n}")
    assert await logistics.poll_once(limit=2) == 2
    logistics.clock.advance(1)
    assert await logistics.poll_once(limit=2) == 2
    tracked = [await logistics.stored(f"o-{n}") for n in range(3)]
    assert all(s is not None and s.tracked_at is not None for s in tracked)


async def test_the_poller_stops_its_pass_when_the_carrier_is_down(logistics: LogisticsApp) -> None:
    await logistics.shipped("o-1")
    await logistics.shipped("o-2")
    logistics.simulator.failure_rate = 1.0
    assert await logistics.poll_once() == 0
    stored = await logistics.stored("o-1")
    assert stored is not None
    assert stored.tracked_at is None


async def test_admin_hand_over_changes_who_reports(logistics: LogisticsApp) -> None:
    state = await logistics.shipped()
    view = await logistics.hand_over(HandOver(ADMIN, state.shipment_id, CAROL.user_id))
    assert view.carrier == CAROL.user_id
    assert logistics.event_types()[-1] == "ShipmentHandedOver"
