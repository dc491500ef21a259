"""The README's checkout walkthrough, to the door: a paid order, the seller marks it ready, the carrier
carries it. On every profile and on either saga engine (`sagas`: the "temporal" server too) the order ends
delivered and the admin's saga route tells its steps; on Temporal, the workflow's history is there too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.orders_shop import GOOD_CARD, open_shop
from tests.support.http import ApiClient
from tests.support.sandboxes import Sandboxes

pytestmark = pytest.mark.sagas


def test_a_paid_order_goes_to_the_door_and_its_saga_tells_how(api: ApiClient, server: Any) -> None:
    shop = open_shop(api, server)
    order_id = shop["order_id"]
    assert api.get(f"/api/v1/orders/{order_id}", token=shop["ann"]).body["status"] == "paid"
    ready = api.post(f"/api/v1/seller/orders/{order_id}/ready", {}, token=shop["seller"])
    assert ready.status == 200, ready.body
    tracking = api.get(f"/api/v1/orders/{order_id}/tracking", token=shop["ann"])
    assert tracking.status == 200, tracking.body
    sandboxes = Sandboxes(server)
    for action in ("advance", "advance", "deliver"):
        sandboxes.carrier(action, tracking.body["tracking_number"])

    assert api.get(f"/api/v1/orders/{order_id}", token=shop["ann"]).body["status"] == "delivered"
    saga = api.get(f"/api/v1/admin/sagas/{order_id}", token=shop["admin"])
    assert saga.status == 200, saga.body
    assert (saga.body["status"], saga.body["step"]) == ("completed", "done")
    outcomes = [entry["outcome"] for entry in saga.body["log"]]
    assert outcomes[:3] == ["order placed", "stock reserved", "payment authorized"]
    assert outcomes[-1] == "order delivered"
    if server.settings.saga_engine == "temporal":
        assert server.call(_history(server.settings, order_id)) == "COMPLETED"


async def _history(settings: Any, order_id: str) -> str:
    """The saga workflow's status, once its history shows every step's activity."""
    from temporalio.api.enums.v1 import EventType

    from tests.support.temporal import temporal_connection

    client = await temporal_connection().client()
    handle = client.get_workflow_handle(f"checkout:{order_id}")
    events = [event async for event in handle.fetch_history_events()]
    # The steps that call the gateway or the carrier are activities (authorize, book, settle); the steps inside
    # the shop and the saga's record are local activities, each a marker in the history.
    scheduled = [e for e in events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]
    steps = [e.activity_task_scheduled_event_attributes.activity_type.name for e in scheduled]
    assert steps.count("saga-perform-step") >= 3
    markers = [e for e in events if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED]
    assert len(markers) >= 6  # reserve, confirm, mark delivered, and the records
    assert GOOD_CARD.encode() not in b"".join(e.SerializeToString() for e in events)  # the token stays out
    described = await handle.describe()
    return str(described.status.name)
