"""A customer's tracking, a direct carrier's list and reports, the admin's list and hand-over."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.logistics.commands import GetTracking, HandOver, ListHandedShipments, ListShipments, ReportStatus
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.shared.pagination import PageRequest
from ports.checkout import ShipmentStatus

from .conftest import ADMIN, ANN, BOB, CAROL, DAN, LogisticsApp

S = ShipmentStatus


def fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


async def test_the_customer_tracks_their_own_order_and_no_one_elses(logistics: LogisticsApp) -> None:
    with pytest.raises(NotFound):
        await logistics.tracking(GetTracking(ANN, "o-1"))  # not shipped yet
    state = await logistics.shipped("o-1", customer=ANN)
    view = await logistics.tracking(GetTracking(ANN, "o-1"))
    assert (view.status, view.carrier, view.tracking_number) == (S.ACCEPTED, "sandbox", state.tracking_number)
    assert [e.status for e in view.timeline] == [S.ACCEPTED]
    with pytest.raises(NotFound):
        await logistics.tracking(GetTracking(BOB, "o-1"))
    with pytest.raises(NotFound):  # an admin too: the back office has /admin/shipments
        await logistics.tracking(GetTracking(ADMIN, "o-1"))


async def test_a_direct_carrier_reports_progress_newest_last(logistics: LogisticsApp) -> None:
    shipment = await logistics.handed("o-1", carrier=CAROL)
    tn = shipment.tracking_number
    earlier = logistics.clock.now() - timedelta(minutes=10)
    await logistics.report(ReportStatus(CAROL, tn, "in_transit", "  Leipzig   hub ", earlier))
    view = await logistics.report(ReportStatus(CAROL, tn, "delivered", "Berlin"))
    assert view.status is S.DELIVERED
    assert [(e.status, e.location) for e in view.timeline] == [
        (S.ACCEPTED, ""),
        (S.IN_TRANSIT, "Leipzig hub"),
        (S.DELIVERED, "Berlin"),
    ]
    assert view.timeline[1].at == earlier
    assert view.timeline[2].at == logistics.clock.now()
    tracking = await logistics.tracking(GetTracking(ANN, "o-1"))
    assert tracking.carrier == CAROL.user_id
    assert tracking.status is S.DELIVERED
    assert "ShipmentDelivered" in logistics.event_types()


async def test_a_carrier_sees_and_reports_only_what_was_handed_to_them(logistics: LogisticsApp) -> None:
    mine = await logistics.handed("o-1", carrier=CAROL)
    await logistics.handed("o-2", carrier=DAN)
    await logistics.shipped("o-3")
    page = await logistics.carried(ListHandedShipments(CAROL))
    assert [s.order_id for s in page.items] == ["o-1"]
    assert page.items[0].address.city == "Berlin"
    others = await logistics.stored("o-2")
    assert others is not None
    with pytest.raises(NotFound):
        await logistics.report(ReportStatus(CAROL, others.tracking_number, "in_transit", "Hub"))
    api_parcel = await logistics.stored("o-3")
    assert api_parcel is not None
    with pytest.raises(NotFound):
        await logistics.report(ReportStatus(CAROL, api_parcel.tracking_number, "in_transit", "Hub"))
    with pytest.raises(PermissionDenied):
        await logistics.report(ReportStatus(ANN, mine.tracking_number, "in_transit", "Hub"))


async def test_a_report_repeated_or_stale_changes_nothing_and_a_forbidden_one_is_a_conflict(
    logistics: LogisticsApp,
) -> None:
    tn = (await logistics.handed("o-1", carrier=CAROL)).tracking_number
    await logistics.report(ReportStatus(CAROL, tn, "out_for_delivery", "Berlin"))
    before = logistics.event_types()
    await logistics.report(ReportStatus(CAROL, tn, "out_for_delivery", "Berlin"))
    await logistics.report(ReportStatus(CAROL, tn, "in_transit", "Berlin"))
    assert logistics.event_types() == before
    await logistics.report(ReportStatus(CAROL, tn, "delivered", "Berlin"))
    with pytest.raises(Conflict):
        await logistics.report(ReportStatus(CAROL, tn, "lost", "Berlin"))
    stored = await logistics.stored("o-1")
    assert stored is not None
    assert stored.status is S.DELIVERED


async def test_a_bad_report_names_every_bad_field_and_changes_nothing(logistics: LogisticsApp) -> None:
    tn = (await logistics.handed("o-1", carrier=CAROL)).tracking_number
    future = logistics.clock.now() + timedelta(minutes=1)
    with pytest.raises(ValidationFailed) as bad:
        await logistics.report(ReportStatus(CAROL, tn, "cancelled", "   ", future))
    assert fields(bad.value) == {"status", "location", "occurred_at"}
    with pytest.raises(ValidationFailed) as long:
        await logistics.report(ReportStatus(CAROL, tn, "accepted", "x" * 121))
    assert fields(long.value) == {"status", "location"}
    with pytest.raises(ValidationFailed) as control:
        await logistics.report(ReportStatus(CAROL, tn, "in_transit", "Hub\x00"))
    assert fields(control.value) == {"location"}
    stored = await logistics.stored("o-1")
    assert stored is not None
    assert stored.status is S.ACCEPTED
    assert len(stored.timeline) == 1


async def test_the_admin_lists_shipments_newest_first_in_pages(logistics: LogisticsApp) -> None:
    for n in range(5):
        await logistics.shipped(f"o-{n}")
        logistics.clock.advance(60)
    await logistics.desk.cancel("o-2")
    first = await logistics.list_all(ListShipments(ADMIN, page=PageRequest(limit=3)))
    assert [s.order_id for s in first.items] == ["o-4", "o-3", "o-2"]
    rest = await logistics.list_all(ListShipments(ADMIN, page=PageRequest(limit=3, cursor=first.next_cursor)))
    assert [s.order_id for s in rest.items] == ["o-1", "o-0"]
    assert rest.next_cursor is None
    cancelled = await logistics.list_all(ListShipments(ADMIN, S.CANCELLED))
    assert [s.order_id for s in cancelled.items] == ["o-2"]
    with pytest.raises(PermissionDenied):
        await logistics.list_all(ListShipments(CAROL))


async def test_hand_over_checks_the_carrier_id_and_the_shipment(logistics: LogisticsApp) -> None:
    state = await logistics.shipped("o-1")
    for bad in ("", "   ", "x" * 65, "two words", "tab\there"):
        with pytest.raises(ValidationFailed) as refused:
            await logistics.hand_over(HandOver(ADMIN, state.shipment_id, bad))
        assert fields(refused.value) == {"carrier_id"}
    with pytest.raises(NotFound):
        await logistics.hand_over(HandOver(ADMIN, "no-such-shipment", CAROL.user_id))
    with pytest.raises(PermissionDenied):
        await logistics.hand_over(HandOver(CAROL, state.shipment_id, CAROL.user_id))
    await logistics.desk.cancel("o-1")
    with pytest.raises(Conflict):
        await logistics.hand_over(HandOver(ADMIN, state.shipment_id, CAROL.user_id))
