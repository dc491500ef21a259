"""Issue #14, item 4: sign-up, reviews and checkout are rate-limited per caller.

A shop of its own with small limits (the suite's shops have none a test reaches): three sign-ups per address
an hour, two reviews and two checkouts per customer. Past a limit the call is told 429 with Retry-After, and
nothing is made; another address, or another customer, is still served. The limits count in the runtime's
``WindowCounter``: Redis on infra, shared by every process (tests/contract/test_window_counter.py holds both
counters to the same contract).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from config.settings import RATE_LIMITS
from entrypoints.http.app import all_endpoints
from tests.support.http import ApiClient, Reply
from tests.support.server import ServerThread
from tests.support.settings import memory_settings
from tests.support.shop import PASSWORD, ShopBuilder, admin_maker, ok

LIMITS = "registration=3/3600,review=2/3600,checkout=2/600"
PRICE = 1500


class EachFromItsOwnAddress(ApiClient):
    """A client whose every call comes from an address of its own: the shop's builder signs up more
    sellers and customers than one address may."""

    addresses = itertools.count(1)

    def request(self, method: str, path: str, json: Any = None, token: str | None = None, **kw: Any) -> Reply:
        n = next(self.addresses)
        kw["headers"] = {
            "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            **kw.get("headers", {}),
        }
        return super().request(method, path, json, token, **kw)


@pytest.fixture(scope="module")
def shop() -> Iterator[tuple[ApiClient, ShopBuilder]]:
    server = ServerThread(
        memory_settings(rate_limits=LIMITS, trust_forwarded_for=True, reviews_allow_unverified=True)
    ).start()
    try:
        builder = ShopBuilder(EachFromItsOwnAddress(server.base_url), admin_maker(server), domain="limits.example")
        yield ApiClient(server.base_url), builder
    finally:
        server.stop()


def _from(address: str) -> dict[str, str]:
    """As the edge forwards a client at ``address`` (X-Forwarded-For, trusted here)."""
    return {"X-Forwarded-For": address}


def _refused(reply: Reply, window: int) -> None:
    assert reply.status == 429, reply.body
    assert reply.body["type"] == "/problems/too-many-requests", reply.body
    assert 0 < int(reply.headers["Retry-After"]) <= window


def _register(api: ApiClient, name: str, address: str) -> Reply:
    body = {"email": f"{name}@limits.example", "password": PASSWORD, "display_name": name}
    return api.post("/api/v1/auth/register", body, headers=_from(address))


def test_past_three_sign_ups_an_address_is_told_to_wait_and_no_account_is_made(
    shop: tuple[ApiClient, ShopBuilder],
) -> None:
    api, _ = shop
    for n in range(3):
        ok(_register(api, f"early{n}", "203.0.113.7"), 201)
    _refused(_register(api, "late", "203.0.113.7"), 3600)
    refused_again = api.post("/api/v1/auth/register", {"email": "not json"}, headers=_from("203.0.113.7"))
    _refused(refused_again, 3600)  # refused before its body is read: a bad one is told the same
    # Nothing was made: the address refused is free to another client, which makes it.
    ok(_register(api, "late", "198.51.100.20"), 201)


def test_past_two_checkouts_a_customer_is_told_to_wait_and_no_order_is_made(
    shop: tuple[ApiClient, ShopBuilder],
) -> None:
    api, builder = shop
    seller = builder.seller("potter")
    product_id = builder.product(seller, "Stoneware jug", PRICE, 20)
    ann, ann_address = builder.customer("ann")
    bob, bob_address = builder.customer("bob")

    def check_out(token: str, address_id: str, key: str | None = None) -> Reply:
        ok(api.post("/api/v1/cart/items", {"product_id": product_id, "quantity": 1}, token=token))
        body = {"address_id": address_id, "payment_token": "tok_visa"}
        return api.post("/api/v1/orders", body, token=token, headers={"Idempotency-Key": key or str(uuid.uuid4())})

    ok(check_out(ann, ann_address), 201)
    ok(check_out(ann, ann_address), 201)
    _refused(check_out(ann, ann_address), 600)
    assert len(ok(api.get("/api/v1/orders", token=ann))["items"]) == 2
    assert ok(api.get("/api/v1/cart", token=ann))["item_count"] == 1  # her cart is left as it was
    ok(check_out(bob, bob_address), 201)  # each customer has a limit of their own


def test_past_two_reviews_a_customer_is_told_to_wait_and_no_review_is_kept(shop: tuple[ApiClient, ShopBuilder]) -> None:
    api, builder = shop
    seller = builder.seller("weaver")
    products = [builder.product(seller, f"Wool scarf {n}", PRICE, 5) for n in range(3)]
    cara, _ = builder.customer("cara")
    dan, _ = builder.customer("dan")

    def review(token: str, product_id: str) -> Reply:
        body = {"rating": 4, "title": "Warm and soft", "text": "Warm, soft, and it kept its shape after a wash."}
        return api.post(f"/api/v1/products/{product_id}/reviews", body, token=token)

    ok(review(cara, products[0]), 201)
    ok(review(cara, products[1]), 201)
    _refused(review(cara, products[2]), 3600)
    assert len(ok(api.get("/api/v1/me/reviews", token=cara))["items"]) == 2
    ok(review(dan, products[2]), 201)


def test_the_limited_routes_are_the_three_and_their_429_is_documented(shop: tuple[ApiClient, ShopBuilder]) -> None:
    api, _ = shop
    limited = {(e.method, e.full_path): e.rate_limit for e in all_endpoints() if e.rate_limit is not None}
    assert limited == {
        ("POST", "/api/v1/auth/register"): "registration",
        ("POST", "/api/v1/products/{product_id}/reviews"): "review",
        ("POST", "/api/v1/orders"): "checkout",
    }
    assert set(limited.values()) == set(RATE_LIMITS)
    paths: dict[str, Any] = ok(api.get("/api/openapi.json"))["paths"]
    for method, path in limited:
        assert "429" in paths[path][method.lower()]["responses"], path
