"""Who may call each logistics route: 401 anonymous, 403 the wrong role, 404 another's resource."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_bad_input_logistics import open_shop
from tests.support.http import ApiClient

REPORT = {"status": "in_transit", "location": "Leipzig hub"}

# (method, path template, body, caller (None: anonymous), status)
ACCESS: list[tuple[str, str, Any, str | None, int]] = [
    ("GET", "/api/v1/orders/{ann_order}/tracking", None, None, 401),
    ("GET", "/api/v1/orders/{ann_order}/tracking", None, "bob", 404),
    ("GET", "/api/v1/orders/{ann_order}/tracking", None, "ann", 200),
    ("GET", "/api/v1/carrier/shipments", None, None, 401),
    ("GET", "/api/v1/carrier/shipments", None, "ann", 403),
    ("GET", "/api/v1/carrier/shipments", None, "carol", 200),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", REPORT, None, 401),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", REPORT, "ann", 403),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", REPORT, "dan", 404),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", REPORT, "carol", 200),
    ("GET", "/api/v1/admin/shipments", None, None, 401),
    ("GET", "/api/v1/admin/shipments", None, "ann", 403),
    ("GET", "/api/v1/admin/shipments", None, "carol", 403),
    ("GET", "/api/v1/admin/shipments", None, "root", 200),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {"carrier_id": "x"}, None, 401),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {"carrier_id": "x"}, "carol", 403),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {"carrier_id": "x"}, "root", 200),
    ("POST", "/api/v1/logistics/webhooks/carrier", {"id": "cev_1"}, None, 401),
    ("POST", "/api/v1/logistics/webhooks/carrier", {"id": "cev_1"}, "root", 401),
]


def _label(row: tuple[str, str, Any, str | None, int]) -> str:
    method, path, _, caller, status = row
    return f"{method} {path} as {caller or 'anonymous'} -> {status}"


@pytest.mark.parametrize("row", ACCESS, ids=_label)
def test_who_may_call_each_route(api: ApiClient, server: Any, row: Any) -> None:
    method, template, body, caller, status = row
    shop = open_shop(api, server)
    reply = api.request(method, template.format(**shop), body, token=shop[caller] if caller else "")
    assert reply.status == status, reply.body


def test_a_carrier_lists_only_the_parcels_handed_to_them(api: ApiClient, server: Any) -> None:
    shop = open_shop(api, server)
    mine = api.get("/api/v1/carrier/shipments", token=shop["carol"]).body
    assert [s["tracking_number"] for s in mine["items"]] == [shop["carol_tn"]]
    assert mine["items"][0]["address"]["city"] == "Berlin"
    assert api.get("/api/v1/carrier/shipments", token=shop["dan"]).body["items"] == []


def test_the_customer_sees_what_the_carrier_reported(api: ApiClient, server: Any) -> None:
    shop = open_shop(api, server)
    assert api.post(f"/api/v1/carrier/shipments/{shop['carol_tn']}/events", REPORT, token=shop["carol"]).status == 200
    delivered = {"status": "delivered", "location": "Berlin"}
    assert (
        api.post(f"/api/v1/carrier/shipments/{shop['carol_tn']}/events", delivered, token=shop["carol"]).status == 200
    )
    tracking = api.get(f"/api/v1/orders/{shop['ann_order']}/tracking", token=shop["ann"]).body
    assert tracking["status"] == "delivered"
    assert tracking["carrier"] == shop["carol_id"]
    assert [e["status"] for e in tracking["timeline"]] == ["accepted", "in_transit", "delivered"]
    assert set(tracking["timeline"][0]) == {"status", "location", "at"}
