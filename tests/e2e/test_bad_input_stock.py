"""Every stock route, fed bad input: a 4xx problem+json that names the field, and the stock stays as it was.

The rows are sent by a verified seller; "{product_id}" is her own product (12 units on hand), "{other_id}"
another seller's (its stock must be reported exactly as a product that does not exist), "{missing}" an
id no product has.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_input import check_rows
from tests.support.http import ApiClient

STOCK = "/api/v1/seller/products/{product_id}/stock"

# (method, path template, body, the field the problem must name, status)
BAD: list[tuple[str, str, Any, str, int]] = [
    ("PUT", STOCK, {"quantity": -1}, "quantity", 422),
    ("PUT", STOCK, {"quantity": 1_000_001}, "quantity", 422),
    ("PUT", STOCK, {"quantity": "5"}, "quantity", 422),
    ("PUT", STOCK, {"quantity": 2.5}, "quantity", 422),
    ("PUT", STOCK, {"quantity": True}, "quantity", 422),
    ("PUT", STOCK, {"quantity": None}, "quantity", 422),
    ("PUT", STOCK, {}, "quantity", 422),
    ("PUT", STOCK, {"quantity": 5, "reserved": 0}, "reserved", 422),
    ("PUT", STOCK, "not an object", "body", 422),
    ("PUT", "/api/v1/seller/products/{other_id}/stock", {"quantity": 5}, "", 404),
    ("PUT", "/api/v1/seller/products/{missing}/stock", {"quantity": 5}, "", 404),
    ("GET", "/api/v1/seller/products/{other_id}/stock", None, "", 404),
    ("GET", "/api/v1/seller/products/{missing}/stock", None, "", 404),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """Two verified sellers, each with a product card (a draft) holding 12 units."""
    from features.steps.accounts import World
    from features.steps.catalog import Catalog, a_category, has_created
    from features.steps.sellers import verified_seller
    from features.steps.stock import StockKeeping, has_set_stock

    catalog = Catalog(World(api, server))
    keeping = StockKeeping(catalog)
    a_category(catalog, "Kitchen")
    for email, title in (("potter@example.com", "Blue Teapot"), ("smith@example.com", "Iron Pan")):
        verified_seller(catalog.world, email)
        has_created(catalog, email, title, "Potter", "Kitchen", "25.00", "EUR")
        has_set_stock(keeping, email, title, 12)
    world = catalog.world
    return {
        "seller": world.token("potter@example.com"),
        "other_seller": world.token("smith@example.com"),
        "product_id": catalog.product_id("Blue Teapot"),
        "other_id": catalog.product_id("Iron Pan"),
        "missing": "01900000-0000-7000-8000-000000000000",
    }


def _stock(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    """Both products' stock, each as its seller sees it."""
    views = []
    for product, token in (("product_id", "seller"), ("other_id", "other_seller")):
        reply = api.get(f"/api/v1/seller/products/{shop[product]}/stock", token=shop[token])
        assert reply.status == 200, reply.body
        views.append(reply.body)
    return views


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    before = _stock(api, shop)
    assert before[0]["on_hand"] == before[1]["on_hand"] == 12
    check_rows(api, BAD, shop, lambda path: shop["seller"], lambda: _stock(api, shop))


def test_another_sellers_product_is_reported_as_missing(api: ApiClient, shop: dict[str, str]) -> None:
    other = api.get(f"/api/v1/seller/products/{shop['other_id']}/stock", token=shop["seller"])
    missing = api.get(f"/api/v1/seller/products/{shop['missing']}/stock", token=shop["seller"])

    assert other.status == missing.status == 404
    assert other.body["detail"] == missing.body["detail"]
