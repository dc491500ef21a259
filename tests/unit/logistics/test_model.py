"""The life of a shipment: every move, every refusal, repeats and stale reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.logistics.model import Shipment, ShipmentItem, TrackingSource
from core.shared.errors import Conflict
from ports.checkout import ShipmentStatus

from .conftest import HOME

S = ShipmentStatus
NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def booked() -> Shipment:
    return Shipment.book(
        shipment_id="s-1",
        order_id="o-1",
        customer_id="c-1",
        carrier="sandbox",
        tracking_number="SBX0000000001",
        label_url="http://sandbox/v1/labels/SBX0000000001",
        address=HOME,
        items=(ShipmentItem("p-1", 1),),
        now=NOW,
    )


def at(shipment: Shipment, *path: ShipmentStatus) -> Shipment:
    for i, status in enumerate(path):
        shipment.report(status, location=f"hub {i}", occurred_at=NOW, source=TrackingSource.API, now=NOW)
    shipment.pull_events()
    return shipment


def report(shipment: Shipment, status: ShipmentStatus, ref: str = "") -> bool:
    later = NOW + timedelta(minutes=5)
    return shipment.report(
        status, location="Berlin", occurred_at=later, source=TrackingSource.WEBHOOK, now=later, ref=ref
    )


def test_a_booked_shipment_is_accepted_with_one_timeline_entry_and_an_event() -> None:
    shipment = booked()
    assert shipment.status is S.ACCEPTED
    assert [e.status for e in shipment.timeline] == [S.ACCEPTED]
    assert [type(e).__name__ for e in shipment.pull_events()] == ["ShipmentCreated"]


ALLOWED = [
    ([], S.IN_TRANSIT),
    ([], S.OUT_FOR_DELIVERY),
    ([], S.DELIVERED),
    ([], S.CANCELLED),
    ([S.IN_TRANSIT], S.OUT_FOR_DELIVERY),
    ([S.IN_TRANSIT], S.DELIVERED),
    ([S.IN_TRANSIT], S.LOST),
    ([S.OUT_FOR_DELIVERY], S.DELIVERED),
    ([S.OUT_FOR_DELIVERY], S.LOST),
]


@pytest.mark.parametrize(("path", "status"), ALLOWED)
def test_a_forward_move_changes_the_status_and_raises_events(
    path: list[ShipmentStatus], status: ShipmentStatus
) -> None:
    shipment = at(booked(), *path)
    before = shipment.status
    assert report(shipment, status, ref="cev_1") is True
    assert shipment.status is status
    assert shipment.timeline[-1].status is status
    assert shipment.timeline[-1].ref == "cev_1"
    events = shipment.pull_events()
    changed = events[0]
    assert type(changed).__name__ == "ShipmentStatusChanged"
    assert (changed.status, changed.previous_status) == (status.value, before.value)  # type: ignore[attr-defined]
    final = {S.DELIVERED: "ShipmentDelivered", S.LOST: "ShipmentLost", S.CANCELLED: "ShipmentCancelled"}
    assert [type(e).__name__ for e in events[1:]] == ([final[status]] if status in final else [])


FORBIDDEN = [
    ([], S.LOST),
    ([S.IN_TRANSIT], S.CANCELLED),
    ([S.OUT_FOR_DELIVERY], S.CANCELLED),
    ([S.DELIVERED], S.LOST),
    ([S.DELIVERED], S.CANCELLED),
    ([S.IN_TRANSIT, S.LOST], S.DELIVERED),
    ([S.CANCELLED], S.IN_TRANSIT),
    ([S.CANCELLED], S.DELIVERED),
]


@pytest.mark.parametrize(("path", "status"), FORBIDDEN)
def test_a_forbidden_move_is_a_conflict_and_changes_nothing(path: list[ShipmentStatus], status: ShipmentStatus) -> None:
    shipment = at(booked(), *path)
    before = (shipment.status, list(shipment.timeline))
    with pytest.raises(Conflict):
        report(shipment, status)
    assert (shipment.status, shipment.timeline) == before
    assert shipment.pull_events() == []


STALE = [
    ([], S.ACCEPTED),
    ([S.IN_TRANSIT], S.ACCEPTED),
    ([S.IN_TRANSIT], S.IN_TRANSIT),
    ([S.OUT_FOR_DELIVERY], S.IN_TRANSIT),
    ([S.DELIVERED], S.OUT_FOR_DELIVERY),
    ([S.DELIVERED], S.ACCEPTED),
    ([S.IN_TRANSIT, S.LOST], S.IN_TRANSIT),
    ([S.IN_TRANSIT, S.LOST], S.OUT_FOR_DELIVERY),
    ([S.CANCELLED], S.ACCEPTED),
]


@pytest.mark.parametrize(("path", "status"), STALE)
def test_a_stale_report_changes_nothing(path: list[ShipmentStatus], status: ShipmentStatus) -> None:
    shipment = at(booked(), *path)
    before = (shipment.status, list(shipment.timeline))
    assert report(shipment, status, ref="cev_new") is False
    assert (shipment.status, shipment.timeline) == before
    assert shipment.pull_events() == []


def test_a_repeated_event_changes_nothing_even_when_it_would_be_a_move() -> None:
    shipment = at(booked(), S.IN_TRANSIT)
    assert report(shipment, S.OUT_FOR_DELIVERY, ref="cev_9") is True
    shipment.pull_events()
    # The carrier resends the same event id (with any payload): recognised, ignored.
    assert report(shipment, S.DELIVERED, ref="cev_9") is False
    assert shipment.status is S.OUT_FOR_DELIVERY
    assert shipment.pull_events() == []


def test_cancel_only_while_accepted_and_safe_to_repeat() -> None:
    shipment = booked()
    assert shipment.cancel(NOW) is True
    assert shipment.cancel(NOW) is False
    assert shipment.status is S.CANCELLED
    moving = at(booked(), S.IN_TRANSIT)
    with pytest.raises(Conflict):
        moving.cancel(NOW)


def test_handing_over_changes_the_carrier_once_and_only_on_the_way() -> None:
    shipment = booked()
    shipment.pull_events()
    assert shipment.hand_to("carrier-1", "admin", NOW) is True
    assert shipment.hand_to("carrier-1", "admin", NOW) is False
    assert shipment.carrier == "carrier-1"
    assert [type(e).__name__ for e in shipment.pull_events()] == ["ShipmentHandedOver"]
    delivered = at(booked(), S.DELIVERED)
    with pytest.raises(Conflict):
        delivered.hand_to("carrier-1", "admin", NOW)
