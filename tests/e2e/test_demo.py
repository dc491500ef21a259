"""The demo catalogue (`serve --demo`, `seed --demo`) goes through the real API and moderation."""

from __future__ import annotations

from typing import Any

from entrypoints.demo import CUSTOMER_EMAIL, PASSWORD, seed_demo
from entrypoints.demo_catalogue import SELLERS
from tests.support.http import ApiClient


def test_the_demo_fills_a_shop_customers_can_browse_and_search(api: ApiClient, server: Any) -> None:
    assert server.call(seed_demo(server.runtime, server.base_url, count=24), timeout=120) == 24
    server.settle()

    listed = api.get("/api/v1/products?limit=100").body["items"]
    assert len(listed) == 24
    assert all(card["image_urls"] for card in listed)
    assert {card["seller_id"] for card in listed}.__len__() == len(SELLERS)
    found = api.get("/api/v1/search/products?q=headphones").body
    assert found["total"] >= 1
    assert found["facets"]["brand"]
    picture = api.session.get(found["items"][0]["image_url"].replace("http://localhost:8080", server.base_url))
    assert picture.status_code == 200
    assert picture.content.startswith(b"\x89PNG")
    assert api.post("/api/v1/auth/login", {"email": CUSTOMER_EMAIL, "password": PASSWORD}).status == 200

    # A second run finds everything in place and adds nothing.
    server.call(seed_demo(server.runtime, server.base_url, count=24), timeout=120)
    server.settle()
    assert len(api.get("/api/v1/products?limit=100").body["items"]) == 24
