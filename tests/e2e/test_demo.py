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

    # Customers reviewed half of the cards: the rules published the reviews, the ratings followed.
    rated = [card for card in listed if card["rating"]["count"]]
    assert len(rated) == 12
    top = api.get("/api/v1/search/products?sort=rating&limit=5").body["items"][0]
    best = max(rated, key=lambda card: (card["rating"]["average"], card["rating"]["count"]))
    assert (top["rating"], top["review_count"]) == (best["rating"]["average"], best["rating"]["count"])
    reviews = api.get(f"/api/v1/products/{best['id']}/reviews").body["items"]
    assert len(reviews) == best["rating"]["count"]
    assert all(review["verified"] for review in reviews)

    # A second run finds everything in place and adds nothing.
    server.call(seed_demo(server.runtime, server.base_url, count=24), timeout=120)
    server.settle()
    again = api.get("/api/v1/products?limit=100").body["items"]
    assert len(again) == 24
    assert sum(card["rating"]["count"] for card in again) == sum(card["rating"]["count"] for card in rated)
