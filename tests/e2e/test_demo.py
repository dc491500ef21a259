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

    # Shoppers looked around and bought for weeks: the base feed has best sellers, a guest sees them, and
    # the best seller's card says what else its buyers bought.
    guest = api.get("/api/v1/recommendations?limit=10", token="").body
    assert guest["source"] == "base"
    assert len(guest["items"]) == 10
    best_seller = api.get("/api/v1/recommendations/best-sellers?limit=1").body["items"][0]
    assert best_seller == guest["items"][0]
    assert api.get(f"/api/v1/products/{best_seller['product_id']}/also-bought").body["items"]
    # The demo customer looks at a card: within the build worker's next pass, her own list.
    login = api.post("/api/v1/auth/login", {"email": CUSTOMER_EMAIL, "password": PASSWORD}).body["token"]
    assert api.get(f"/api/v1/products/{listed[0]['id']}", token=login).status == 200
    server.settle()
    server.clock.advance(3)
    server.call(server.runtime.run_periodic("recommendation-builds"))
    mine = api.get("/api/v1/recommendations?limit=10", token=login).body
    assert mine["source"] == "personal"
    assert mine["items"]

    # A second run finds everything in place and adds nothing.
    server.call(seed_demo(server.runtime, server.base_url, count=24), timeout=120)
    server.settle()
    again = api.get("/api/v1/products?limit=100").body["items"]
    assert len(again) == 24
    assert sum(card["rating"]["count"] for card in again) == sum(card["rating"]["count"] for card in rated)
