"""Who may call each orders route: nobody anonymous (401), only the route's role (403), and another
customer's order reads exactly like a missing one (404). The shop is tests/e2e/orders_shop.py's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.orders_shop import open_shop
from tests.support.bad_input import filled
from tests.support.http import ApiClient

MINE = "/api/v1/orders/{order_id}"
# (method, path, body, who may call it: customer, seller or admin)
ROUTES: list[tuple[str, str, Any, str]] = [
    ("POST", "/api/v1/orders", {"address_id": "{ann_address}", "payment_token": "tok_visa"}, "customer"),
    ("GET", "/api/v1/orders", None, "customer"),
    ("GET", MINE, None, "customer"),
    ("POST", MINE + "/cancel", {"reason": "no"}, "customer"),
    ("POST", MINE + "/return", {"reason": "no"}, "customer"),
    ("GET", "/api/v1/seller/orders", None, "seller"),
    ("POST", "/api/v1/seller/orders/{order_id}/ready", None, "seller"),
    ("GET", "/api/v1/admin/orders", None, "admin"),
]
WRONG_ROLE = {"seller": "bob", "admin": "seller"}


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    return open_shop(api, server)


def _ann_order(api: ApiClient, shop: dict[str, str]) -> Any:
    return api.get(f"/api/v1/orders/{shop['order_id']}", token=shop["ann"]).body


@pytest.mark.parametrize(("method", "path", "body", "who"), ROUTES, ids=lambda v: str(v))
def test_anonymous_callers_get_401(
    api: ApiClient, shop: dict[str, str], method: str, path: str, body: Any, who: str
) -> None:
    before = _ann_order(api, shop)
    reply = api.request(method, filled(path, shop), filled(body, shop), token="", headers={"Idempotency-Key": "k"})
    assert reply.status == 401, reply.body
    assert _ann_order(api, shop) == before


@pytest.mark.parametrize(
    ("method", "path", "body", "who"), [r for r in ROUTES if r[3] != "customer"], ids=lambda v: str(v)
)
def test_the_wrong_role_gets_403(
    api: ApiClient, shop: dict[str, str], method: str, path: str, body: Any, who: str
) -> None:
    before = _ann_order(api, shop)
    reply = api.request(method, filled(path, shop), filled(body, shop), token=shop[WRONG_ROLE[who]])
    assert reply.status == 403, reply.body
    assert _ann_order(api, shop) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", MINE, None), ("POST", MINE + "/cancel", {}), ("POST", MINE + "/return", {"reason": "mine now"})],
    ids=lambda v: str(v),
)
def test_another_customers_order_is_not_found(
    api: ApiClient, shop: dict[str, str], method: str, path: str, body: Any
) -> None:
    before = _ann_order(api, shop)
    reply = api.request(method, filled(path, shop), body, token=shop["bob"])
    assert reply.status == 404, reply.body
    assert reply.body["detail"] == "no such order"  # exactly as for an id nobody has
    assert _ann_order(api, shop) == before


def test_lists_show_only_the_callers_orders(api: ApiClient, shop: dict[str, str]) -> None:
    assert [o["order_id"] for o in api.get("/api/v1/orders", token=shop["ann"]).body["items"]] == [shop["order_id"]]
    assert api.get("/api/v1/orders", token=shop["bob"]).body["items"] == []
    # Weaver sells nothing of ann's order; potter sees it once it is paid (the checkout saga's part).
    assert api.get("/api/v1/seller/orders", token=shop["other_seller"]).body["items"] == []
    admin = api.get("/api/v1/admin/orders", token=shop["admin"]).body["items"]
    assert [o["order_id"] for o in admin] == [shop["order_id"]]
