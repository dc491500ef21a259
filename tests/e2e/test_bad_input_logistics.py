"""Every logistics route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

The shop: "ann" and "bob" are customers with a shipment each (stored straight through the logistics unit
of work: no carrier is needed), "carol" is a direct carrier holding ann's parcel, "root" is an admin.
Admin routes are called as root, carrier routes as carol, the others as ann. The carrier's webhook has a
table of its own: it takes a signature, not a token.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.shared.signatures import sign
from tests.support.bad_input import check_rows
from tests.support.http import ApiClient

PASSWORD = "correct horse battery"
SECRET_SETTING = "logistics_webhook_secret"
FUTURE = "2099-01-01T00:00:00Z"

# (method, path template, body or query, the field the problem must name, status)
BAD: list[tuple[str, str, Any, str, int]] = [
    ("GET", "/api/v1/orders/{missing}/tracking", None, "", 404),
    ("GET", "/api/v1/orders/{bob_order}/tracking", None, "", 404),
    ("GET", "/api/v1/carrier/shipments", "limit=0", "limit", 422),
    ("GET", "/api/v1/carrier/shipments", "limit=lots", "limit", 422),
    ("GET", "/api/v1/carrier/shipments", "cursor=%%%", "cursor", 422),
    ("GET", "/api/v1/carrier/shipments", "sort=newest", "sort", 422),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", {"status": "teleported", "location": "Hub"}, "status", 422),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", {"status": "cancelled", "location": "Hub"}, "status", 422),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", {"status": "in_transit", "location": ""}, "location", 422),
    (
        "POST",
        "/api/v1/carrier/shipments/{carol_tn}/events",
        {"status": "in_transit", "location": "  "},
        "location",
        422,
    ),
    (
        "POST",
        "/api/v1/carrier/shipments/{carol_tn}/events",
        {"status": "in_transit", "location": "x" * 121},
        "location",
        422,
    ),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", {"status": "in_transit"}, "location", 422),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", {"status": 3, "location": "Hub"}, "status", 422),
    (
        "POST",
        "/api/v1/carrier/shipments/{carol_tn}/events",
        {"status": "in_transit", "location": "Hub", "occurred_at": "yesterday"},
        "occurred_at",
        422,
    ),
    (
        "POST",
        "/api/v1/carrier/shipments/{carol_tn}/events",
        {"status": "in_transit", "location": "Hub", "occurred_at": "2026-01-01T10:00:00"},
        "occurred_at",
        422,
    ),
    (
        "POST",
        "/api/v1/carrier/shipments/{carol_tn}/events",
        {"status": "in_transit", "location": "Hub", "occurred_at": FUTURE},
        "occurred_at",
        422,
    ),
    (
        "POST",
        "/api/v1/carrier/shipments/{carol_tn}/events",
        {"status": "in_transit", "location": "Hub", "by": "x"},
        "by",
        422,
    ),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", ["in_transit"], "body", 422),
    ("POST", "/api/v1/carrier/shipments/{carol_tn}/events", {"status": "lost", "location": "Hub"}, "", 409),
    ("POST", "/api/v1/carrier/shipments/{bob_tn}/events", {"status": "in_transit", "location": "Hub"}, "", 404),
    ("POST", "/api/v1/carrier/shipments/{missing}/events", {"status": "in_transit", "location": "Hub"}, "", 404),
    ("GET", "/api/v1/admin/shipments", "status=shipped", "status", 422),
    ("GET", "/api/v1/admin/shipments", "limit=101", "limit", 422),
    ("GET", "/api/v1/admin/shipments", "cursor=bm90IGEgY3Vyc29y", "cursor", 422),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {}, "carrier_id", 422),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {"carrier_id": ""}, "carrier_id", 422),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {"carrier_id": "x" * 65}, "carrier_id", 422),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {"carrier_id": "two words"}, "carrier_id", 422),
    ("POST", "/api/v1/admin/shipments/{bob_shipment}/carrier", {"carrier_id": 42}, "carrier_id", 422),
    ("POST", "/api/v1/admin/shipments/{missing}/carrier", {"carrier_id": "someone"}, "", 404),
    ("POST", "/api/v1/admin/shipments/{cancelled_shipment}/carrier", {"carrier_id": "someone"}, "", 409),
]


def _store_shipment(server: Any, order_id: str, customer_id: str, number: str, *, cancelled: bool = False) -> str:
    from core.logistics.model import Shipment, ShipmentItem
    from core.shared.addresses import PostalAddress
    from ports.logistics import LogisticsUnitOfWork
    from ports.shared import UnitOfWorkFactory

    runtime = server.runtime
    shipment = Shipment.book(
        shipment_id=f"01900000-0000-7000-8000-{number[-12:]}",
        order_id=order_id,
        customer_id=customer_id,
        carrier="sandbox",
        tracking_number=number,
        label_url=f"http://127.0.0.1:8092/v1/labels/{number}",
        address=PostalAddress(
            recipient="A. Customer", line1="Main St 1", city="Berlin", postal_code="10115", country="DE"
        ),
        items=(ShipmentItem("p-1", 1),),
        now=server.clock.now(),
    )
    if cancelled:
        shipment.cancel(server.clock.now())

    async def store() -> None:
        async with runtime.resolve(UnitOfWorkFactory[LogisticsUnitOfWork])() as uow:
            await uow.shipments.add(shipment)
            await uow.commit()

    server.call(store())
    server.settle()
    return shipment.id


def open_shop(api: ApiClient, server: Any) -> dict[str, str]:
    """The shop of this module's docstring; returns tokens, ids and numbers by name."""
    from core.auth.commands import GetAccount, SetRoles
    from core.auth.use_cases import GetAccountInfo, SetUserRoles
    from core.shared.security import Role
    from features.steps.accounts import OPERATOR

    tokens: dict[str, str] = {}
    ids: dict[str, str] = {}
    for name in ("ann", "bob", "carol", "dan", "root"):
        email = f"{name}@example.com"
        body = {"email": email, "password": PASSWORD, "display_name": name.title()}
        assert api.post("/api/v1/auth/register", body).status == 201
    runtime = server.runtime
    for name, role in (("carol", Role.CARRIER), ("dan", Role.CARRIER), ("root", Role.ADMIN)):
        account = server.call(runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email=f"{name}@example.com")))
        server.call(runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, account.user_id, frozenset({role}))))
    for name in ("ann", "bob", "carol", "dan", "root"):
        login = api.post("/api/v1/auth/login", {"email": f"{name}@example.com", "password": PASSWORD}).body
        tokens[name], ids[name] = login["token"], login["user_id"]
    shop = {
        "ann_order": "01900000-0000-7000-8000-0000000a0001",
        "bob_order": "01900000-0000-7000-8000-0000000b0001",
        "ann_tn": "SBX0000000101",
        "bob_tn": "SBX0000000202",
        "carol_tn": "SBX0000000101",
        "missing": "01900000-0000-7000-8000-000000000000",
    }
    shop["ann_shipment"] = _store_shipment(server, shop["ann_order"], ids["ann"], shop["ann_tn"])
    shop["bob_shipment"] = _store_shipment(server, shop["bob_order"], ids["bob"], shop["bob_tn"])
    shop["cancelled_shipment"] = _store_shipment(
        server, "01900000-0000-7000-8000-0000000c0001", ids["bob"], "SBX0000000303", cancelled=True
    )
    handed = api.post(
        f"/api/v1/admin/shipments/{shop['ann_shipment']}/carrier", {"carrier_id": ids["carol"]}, token=tokens["root"]
    )
    assert handed.status == 200, handed.body
    for name in tokens:
        shop[name] = tokens[name]
        shop[f"{name}_id"] = ids[name]
    return shop


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    return open_shop(api, server)


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    return [
        api.get(f"/api/v1/orders/{shop['ann_order']}/tracking", token=shop["ann"]).body,
        api.get("/api/v1/carrier/shipments", token=shop["carol"]).body,
        api.get("/api/v1/admin/shipments?limit=100", token=shop["root"]).body,
    ]


def _token(shop: dict[str, str], path: str) -> str:
    if path.startswith("/api/v1/admin/"):
        return shop["root"]
    if path.startswith("/api/v1/carrier/"):
        return shop["carol"]
    return shop["ann"]


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    check_rows(api, BAD, shop, lambda path: _token(shop, path), lambda: _state(api, shop))


WEBHOOK = "/api/v1/logistics/webhooks/carrier"


def _signed(server: Any, secret: str, raw: bytes, offset: int = 0) -> dict[str, str]:
    """Signed as the carrier would, at the shop's time (the tests' clock) moved by ``offset`` seconds."""
    t = int(server.clock.now().timestamp()) + offset
    return {"Carrier-Signature": sign(secret, t, raw), "Content-Type": "application/json"}


def _event(tn: str, **overrides: Any) -> dict[str, Any]:
    event = {
        "id": "cev_00000000000000aa",
        "tracking_number": tn,
        "reference": "o",
        "status": "in_transit",
        "location": "Hub",
        "occurred_at": "2026-01-01T12:00:00+00:00",
    }
    event.update(overrides)
    return event


def test_the_webhook_refuses_a_missing_wrong_or_stale_signature(
    api: ApiClient, shop: dict[str, str], server: Any
) -> None:
    secret = getattr(server.settings, SECRET_SETTING)
    raw = json.dumps(_event(shop["bob_tn"])).encode()
    before = _state(api, shop)
    attempts = [
        {"Content-Type": "application/json"},
        {"Content-Type": "application/json", "Carrier-Signature": "nonsense"},
        _signed(server, "not-the-right-secret-at-all", raw),
        _signed(server, secret, raw, offset=-301),
    ]
    for headers in attempts:
        reply = api.request("POST", WEBHOOK, None, token="", data=raw, headers=headers)
        assert reply.status == 401, reply.body
        assert reply.headers["Content-Type"].startswith("application/problem+json")
    tracking = api.get(f"/api/v1/orders/{shop['bob_order']}/tracking", token=shop["bob"]).body
    assert tracking["status"] == "accepted"
    assert _state(api, shop) == before


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "body"),
        (json.dumps(["a list"]).encode(), "body"),
        (json.dumps({k: v for k, v in _event("SBX0000000202").items() if k != "id"}).encode(), "id"),
        (json.dumps(_event("SBX0000000202", occurred_at="soon")).encode(), "occurred_at"),
        (json.dumps(_event("SBX0000000202", location=7)).encode(), "location"),
    ],
)
def test_a_signed_webhook_with_a_bad_body_names_the_field(
    api: ApiClient, shop: dict[str, str], server: Any, raw: bytes, field: str
) -> None:
    secret = getattr(server.settings, SECRET_SETTING)
    before = _state(api, shop)
    reply = api.request("POST", WEBHOOK, None, token="", data=raw, headers=_signed(server, secret, raw))
    assert reply.status in (400, 422), reply.body
    assert field in reply.problem_fields, reply.body
    assert _state(api, shop) == before


def test_a_signed_webhook_moves_the_parcel_once_and_unknown_parcels_are_acknowledged(
    api: ApiClient, shop: dict[str, str], server: Any
) -> None:
    secret = getattr(server.settings, SECRET_SETTING)
    raw = json.dumps(_event(shop["bob_tn"])).encode()
    first = api.request("POST", WEBHOOK, None, token="", data=raw, headers=_signed(server, secret, raw))
    assert (first.status, first.body) == (200, {"received": True, "recorded": True})
    again = api.request("POST", WEBHOOK, None, token="", data=raw, headers=_signed(server, secret, raw))
    assert (again.status, again.body) == (200, {"received": True, "recorded": False})
    unknown = json.dumps(_event("SBX9999999999", id="cev_other")).encode()
    reply = api.request("POST", WEBHOOK, None, token="", data=unknown, headers=_signed(server, secret, unknown))
    assert (reply.status, reply.body["recorded"]) == (200, False)
    tracking = api.get(f"/api/v1/orders/{shop['bob_order']}/tracking", token=shop["bob"]).body
    assert [(e["status"], e["location"]) for e in tracking["timeline"]] == [("accepted", ""), ("in_transit", "Hub")]
