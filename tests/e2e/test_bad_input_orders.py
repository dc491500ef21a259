"""Every orders route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

The shop (tests/e2e/orders_shop.py): ann ordered a teapot; bob is another customer; potter is the
teapot's seller, weaver another seller; root is an admin. Customer routes are called as ann, seller
routes as potter (or weaver, for an order without their lines), admin routes as root.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.e2e.orders_shop import checkout, open_shop
from tests.support.bad_input import check_rows, filled, request
from tests.support.http import ApiClient, Reply

ORDERS = "/api/v1/orders"
MINE = ORDERS + "/{order_id}"
GOOD = {"address_id": "{ann_address}", "payment_token": "tok_visa"}

# (method, path template, body or query, the field the problem must name, status). A POST /orders row is
# sent with an Idempotency-Key of its own (no other row or checkout uses it), or with the one its "key"
# names ("none": without the header).
BAD: list[tuple[str, str, Any, str, int]] = [
    ("POST", ORDERS, {"payment_token": "tok_visa"}, "address_id", 422),
    ("POST", ORDERS, {"address_id": "{ann_address}"}, "payment_token", 422),
    ("POST", ORDERS, {**GOOD, "address_id": 5}, "address_id", 422),
    ("POST", ORDERS, {**GOOD, "address_id": ""}, "address_id", 422),
    ("POST", ORDERS, {**GOOD, "address_id": "x" * 65}, "address_id", 422),
    ("POST", ORDERS, {**GOOD, "address_id": "{bob_address}"}, "address_id", 422),
    ("POST", ORDERS, {**GOOD, "address_id": "{missing}"}, "address_id", 422),
    ("POST", ORDERS, {**GOOD, "payment_token": "4242 4242 4242 4242"}, "payment_token", 422),
    ("POST", ORDERS, {**GOOD, "payment_token": "t" * 101}, "payment_token", 422),
    ("POST", ORDERS, {**GOOD, "payment_token": None}, "payment_token", 422),
    ("POST", ORDERS, {**GOOD, "total": 1}, "total", 422),
    ("POST", ORDERS, ["not", "an", "object"], "body", 422),
    ("POST", ORDERS, {**GOOD, "key": "none"}, "Idempotency-Key", 422),
    ("POST", ORDERS, {**GOOD, "key": "bad key!"}, "Idempotency-Key", 422),
    ("POST", ORDERS, {**GOOD, "key": "k" * 101}, "Idempotency-Key", 422),
    ("GET", ORDERS, "status=lost", "status", 422),
    ("GET", ORDERS, "limit=0", "limit", 422),
    ("GET", ORDERS, "limit=101", "limit", 422),
    ("GET", ORDERS, "cursor=%%%", "cursor", 422),
    ("GET", ORDERS, "sort=total", "sort", 422),
    ("GET", MINE.replace("{order_id}", "{missing}"), None, "", 404),
    ("POST", MINE + "/cancel", {"reason": "x" * 501}, "reason", 422),
    ("POST", MINE + "/cancel", {"reason": 5}, "reason", 422),
    ("POST", MINE + "/cancel", {"reason": "ring\u0007"}, "reason", 422),
    ("POST", MINE + "/cancel", {"why": "no"}, "why", 422),
    ("POST", "/api/v1/orders/{missing}/cancel", {}, "", 404),
    ("POST", MINE + "/return", {}, "reason", 422),
    ("POST", MINE + "/return", {"reason": ""}, "reason", 422),
    ("POST", MINE + "/return", {"reason": "   "}, "reason", 422),
    ("POST", MINE + "/return", {"reason": "x" * 501}, "reason", 422),
    ("POST", MINE + "/return", {"reason": "too small"}, "", 409),
    ("POST", "/api/v1/orders/{missing}/return", {"reason": "too small"}, "", 404),
    ("GET", "/api/v1/seller/orders", "status=ready", "status", 422),
    ("GET", "/api/v1/seller/orders", "limit=-1", "limit", 422),
    ("GET", "/api/v1/seller/orders", "cursor=%%%", "cursor", 422),
    ("POST", "/api/v1/seller/orders/{missing}/ready", None, "", 404),
    ("POST", "/api/v1/seller/orders/{order_id}/ready?as=other_seller", None, "", 404),
    ("GET", "/api/v1/admin/orders", "status=PAID", "status", 422),
    ("GET", "/api/v1/admin/orders", "limit=many", "limit", 422),
    ("GET", "/api/v1/admin/orders", "cursor=%%%", "cursor", 422),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    return open_shop(api, server)


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    """Everything the bad requests could have touched, as the customers, the seller and the admin see it."""
    return [
        api.get(f"/api/v1/orders/{shop['order_id']}", token=shop["ann"]).body,
        api.get("/api/v1/orders?limit=100", token=shop["ann"]).body,
        api.get("/api/v1/orders?limit=100", token=shop["bob"]).body,
        api.get("/api/v1/seller/orders?limit=100", token=shop["seller"]).body,
        api.get("/api/v1/admin/orders?limit=100", token=shop["admin"]).body,
    ]


def _token(shop: dict[str, str], path: str) -> str:
    if path.startswith("/api/v1/admin/"):
        return shop["admin"]
    if path.startswith("/api/v1/seller/"):
        return shop["other_seller"] if path.endswith("?as=other_seller") else shop["seller"]
    return shop["ann"]


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    keys = (f"bad-row-{n}" for n in itertools.count(1))

    def send(method: str, path: str, payload: Any, token: str) -> Reply:
        path = path.removesuffix("?as=other_seller")
        if method == "POST" and path == ORDERS and isinstance(payload, dict):
            # "key" in a row is the Idempotency-Key header to send ("none": no header), not a body field.
            body = filled(payload, shop)
            key = body.pop("key", next(keys))
            headers = {} if key == "none" else {"Idempotency-Key": key}
            reply = api.request(method, path, body, token=token, headers=headers)
        else:
            reply = request(api, method, path, filled(payload, shop), token)
        assert "tok_visa" not in str(reply.body), reply.body
        return reply

    check_rows(api, BAD, shop, lambda path: _token(shop, path), lambda: _state(api, shop), send)


def test_checking_out_an_empty_cart_is_a_409(api: ApiClient, shop: dict[str, str]) -> None:
    before = _state(api, shop)
    reply = checkout(api, shop["bob"], shop["bob_address"], "bobs-key")
    assert (reply.status, reply.body["detail"]) == (409, "your cart is empty")
    assert _state(api, shop) == before


def test_a_replayed_key_answers_200_with_the_same_order(api: ApiClient, shop: dict[str, str]) -> None:
    again = checkout(api, shop["ann"], shop["ann_address"], "first-checkout")
    assert again.status == 200, again.body
    assert again.body["order_id"] == shop["order_id"]
    assert "tok_visa" not in str(again.body)
    mine = api.get("/api/v1/orders", token=shop["ann"]).body
    assert [o["order_id"] for o in mine["items"]] == [shop["order_id"]]
