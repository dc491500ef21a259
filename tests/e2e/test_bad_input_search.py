"""Every search route, fed bad input: a 4xx problem+json that names the field, and nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.memory.search_index import MemorySearchIndex
from core.products.events import ProductAttribute, ProductPublished
from core.sellers.events import SellerVerified
from core.shared.events import to_envelope
from core.shared.money import Money
from core.shared.pagination import encode_cursor
from ports.search import SearchIndex
from tests.support.bad_input import assert_problem, check_rows
from tests.support.http import ApiClient

PRODUCTS = "/api/v1/search/products"
SUGGEST = "/api/v1/search/suggest"
SELLERS = "/api/v1/search/sellers"
LONG = "x" * 201
PRICE_CURSOR = encode_cursor(["price_asc", 1999, "p-1"])
SELLER_CURSOR = encode_cursor(["sellers", 0.0, "nordkapp", "s-1"])

# (method, path template, query string, the field the problem must name, status)
BAD: list[tuple[str, str, Any, str, int]] = [
    ("GET", PRODUCTS, f"q={LONG}", "q", 422),
    ("GET", PRODUCTS, "limit=0", "limit", 422),
    ("GET", PRODUCTS, "limit=101", "limit", 422),
    ("GET", PRODUCTS, "limit=many", "limit", 422),
    ("GET", PRODUCTS, "cursor=%%%", "cursor", 422),
    ("GET", PRODUCTS, f"cursor={PRICE_CURSOR}", "cursor", 422),  # a cursor of another sort
    ("GET", PRODUCTS, f"sort=newest&cursor={SELLER_CURSOR}", "cursor", 422),
    ("GET", PRODUCTS, "sort=cheapest", "sort", 422),
    ("GET", PRODUCTS, "price_min=100", "currency", 422),
    ("GET", PRODUCTS, "price_max=100", "currency", 422),
    ("GET", PRODUCTS, "price_min=-1&currency=EUR", "price_min", 422),
    ("GET", PRODUCTS, "price_min=900&price_max=100&currency=EUR", "price_max", 422),
    ("GET", PRODUCTS, "price_min=ten&currency=EUR", "price_min", 422),
    ("GET", PRODUCTS, "price_min=1&currency=XXX", "currency", 422),
    ("GET", PRODUCTS, "currency=EURO", "currency", 422),
    ("GET", PRODUCTS, "min_rating=abc", "min_rating", 422),
    ("GET", PRODUCTS, "min_rating=nan", "min_rating", 422),
    ("GET", PRODUCTS, "min_rating=inf", "min_rating", 422),
    ("GET", PRODUCTS, "min_rating=6", "min_rating", 422),
    ("GET", PRODUCTS, "min_rating=5.01", "min_rating", 422),
    ("GET", PRODUCTS, "min_rating=-1", "min_rating", 422),
    ("GET", PRODUCTS, "in_stock=maybe", "in_stock", 422),
    ("GET", PRODUCTS, "brand=", "brand", 422),
    ("GET", PRODUCTS, "&".join(f"brand=b{n}" for n in range(21)), "brand", 422),
    ("GET", PRODUCTS, "category_id=" + "c" * 101, "category_id", 422),
    ("GET", PRODUCTS, "seller_id=" + "s" * 101, "seller_id", 422),
    ("GET", PRODUCTS, "colour=red", "colour", 422),
    ("GET", SUGGEST, "", "q", 422),
    ("GET", SUGGEST, "limit=5", "q", 422),
    ("GET", SUGGEST, f"q={LONG}", "q", 422),
    ("GET", SUGGEST, "q=bl&limit=0", "limit", 422),
    ("GET", SUGGEST, "q=bl&limit=21", "limit", 422),
    ("GET", SUGGEST, "q=bl&brand=x", "brand", 422),
    ("GET", SELLERS, f"q={LONG}", "q", 422),
    ("GET", SELLERS, "limit=0", "limit", 422),
    ("GET", SELLERS, "cursor=%%%", "cursor", 422),
    ("GET", SELLERS, f"cursor={PRICE_CURSOR}", "cursor", 422),
    ("GET", SELLERS, "sort=name", "sort", 422),
]

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """A published card and a verified storefront, fed to the index through the search consumer."""
    # On the infra profile the server outlives each test and only its databases are wiped: empty the
    # in-memory index too (the Elasticsearch adapter will need the same).
    index = server.runtime.resolve(SearchIndex)
    if isinstance(index, MemorySearchIndex):
        index.clear()
    card = ProductPublished(
        occurred_at=NOW,
        product_id="p-1",
        seller_id="s-1",
        revision=1,
        title="Fjord Rain Jacket",
        description="Keeps you dry",
        brand="Nordkapp",
        category_id="jackets",
        category_path=["clothing", "jackets"],
        attributes=[ProductAttribute("colour", "text", "navy")],
        price=Money(12900, "EUR"),
        available=4,
        image_urls=[],
        published_at=NOW,
    )
    seller = SellerVerified(occurred_at=NOW, seller_id="s-1", user_id="s-1", display_name="Nordkapp", by="admin")
    server.call(server.runtime.publisher.publish([to_envelope(card), to_envelope(seller)]))
    server.settle()
    return {}


def _state(api: ApiClient) -> list[Any]:
    return [api.get(path).body for path in (f"{PRODUCTS}?q=jacket", f"{SUGGEST}?q=nord", SELLERS)]


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    assert _state(api)[0]["total"] == 1
    check_rows(api, BAD, shop, lambda path: "", lambda: _state(api))


def test_the_search_routes_answer_guests(api: ApiClient, shop: dict[str, str]) -> None:
    products = api.get(f"{PRODUCTS}?q=Jack&brand=nordkapp&price_min=100&price_max=20000&currency=eur&in_stock=true")
    assert products.status == 200, products.body
    assert [item["title"] for item in products.body["items"]] == ["Fjord Rain Jacket"]
    assert products.body["facets"]["price"][4] == {"from": 10000, "to": 25000, "count": 1}
    assert products.body["facets"]["price_currency"] == "EUR"
    for rating, titles in (("0", ["Fjord Rain Jacket"]), ("4.5", []), ("5", [])):  # not rated yet
        rated = api.get(f"{PRODUCTS}?min_rating={rating}&sort=rating")
        assert rated.status == 200, rated.body
        assert [item["title"] for item in rated.body["items"]] == titles
    assert api.get(f"{SUGGEST}?q=nord").body == {"items": [{"text": "Nordkapp", "kind": "brand"}]}
    assert [s["display_name"] for s in api.get(f"{SELLERS}?q=nord").body["items"]] == ["Nordkapp"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "must be a number"),
        ("nan", "must be a finite number"),
        ("-inf", "must be a finite number"),
        ("6", "must be at most 5"),
        ("-1", "must be at least 0"),
    ],
)
def test_a_bad_minimum_rating_is_explained(api: ApiClient, value: str, message: str) -> None:
    reply = api.get(f"{PRODUCTS}?min_rating={value}")
    assert_problem(reply, 422, "min_rating")
    assert reply.body["errors"] == [{"field": "min_rating", "message": message}]
