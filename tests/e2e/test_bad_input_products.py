"""Every catalogue route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

Admin rows are sent by an admin, seller rows by a verified seller, shop rows by a guest. "{draft_id}" is
the seller's draft, "{published_id}" her published card, "{other_id}" another seller's draft (reported
exactly as a card that does not exist), "{missing}" an id nothing has; "{category_id}" is "Kitchen".
Placeholders are filled in paths and in bodies.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_input import check_rows, filled, request
from tests.support.http import ApiClient, Reply

CATEGORIES = "/api/v1/admin/categories"
CATEGORY = "/api/v1/admin/categories/{category_id}"
PRODUCTS = "/api/v1/seller/products"
DRAFT = "/api/v1/seller/products/{draft_id}"
PRICE = {"amount": 2500, "currency": "EUR"}
CARD = {"sku": "NEW-1", "title": "Teapot", "category_id": "{category_id}", "price": PRICE}
LONG = "x" * 6000

# (method, path template, body or query string, the field the problem must name, status)
BAD: list[tuple[str, str, Any, str, int]] = [
    # Categories (admin)
    ("POST", CATEGORIES, {}, "name", 422),
    ("POST", CATEGORIES, {"name": ""}, "name", 422),
    ("POST", CATEGORIES, {"name": "  "}, "name", 422),
    ("POST", CATEGORIES, {"name": 5}, "name", 422),
    ("POST", CATEGORIES, {"name": "x" * 81}, "name", 422),
    ("POST", CATEGORIES, {"name": "***"}, "name", 422),
    ("POST", CATEGORIES, {"name": "Pans", "parent_id": "no-such-category"}, "parent_id", 422),
    ("POST", CATEGORIES, {"name": "Pans", "parent_id": 7}, "parent_id", 422),
    ("POST", CATEGORIES, {"name": "Pans", "colour": "red"}, "colour", 422),
    ("POST", CATEGORIES, {"name": "KITCHEN"}, "", 409),
    ("POST", CATEGORIES, "not an object", "body", 422),
    ("PATCH", CATEGORY, {}, "name", 422),
    ("PATCH", CATEGORY, {"name": ""}, "name", 422),
    ("PATCH", CATEGORY, {"name": None}, "name", 422),
    ("PATCH", CATEGORY, {"name": "Cookware", "parent_id": None}, "parent_id", 422),
    ("PATCH", "/api/v1/admin/categories/{missing}", {"name": "Cookware"}, "", 404),
    # The seller's cards
    ("POST", PRODUCTS, {k: v for k, v in CARD.items() if k != "sku"}, "sku", 422),
    ("POST", PRODUCTS, {**CARD, "sku": "has space"}, "sku", 422),
    ("POST", PRODUCTS, {**CARD, "sku": "DRAFT-1"}, "", 409),
    ("POST", PRODUCTS, {**CARD, "title": "ab"}, "title", 422),
    ("POST", PRODUCTS, {**CARD, "title": 12345}, "title", 422),
    ("POST", PRODUCTS, {**CARD, "title": LONG}, "title", 422),
    ("POST", PRODUCTS, {**CARD, "description": LONG}, "description", 422),
    ("POST", PRODUCTS, {**CARD, "brand": "b" * 101}, "brand", 422),
    ("POST", PRODUCTS, {**CARD, "category_id": "no-such-category"}, "category_id", 422),
    ("POST", PRODUCTS, {**CARD, "price": {"amount": 0, "currency": "EUR"}}, "price.amount", 422),
    ("POST", PRODUCTS, {**CARD, "price": {"amount": 25.5, "currency": "EUR"}}, "price.amount", 422),
    ("POST", PRODUCTS, {**CARD, "price": {"amount": "2500", "currency": "EUR"}}, "price.amount", 422),
    ("POST", PRODUCTS, {**CARD, "price": {"amount": 2500, "currency": "XYZ"}}, "price.currency", 422),
    ("POST", PRODUCTS, {**CARD, "price": {"amount": 2500}}, "price.currency", 422),
    ("POST", PRODUCTS, {**CARD, "price": 2500}, "price", 422),
    ("POST", PRODUCTS, {**CARD, "attributes": "red"}, "attributes", 422),
    (
        "POST",
        PRODUCTS,
        {**CARD, "attributes": [{"name": "Size", "kind": "colour", "value": 1}]},
        "attributes.0.kind",
        422,
    ),
    (
        "POST",
        PRODUCTS,
        {**CARD, "attributes": [{"name": "Size", "kind": "number", "value": "1"}]},
        "attributes.0.value",
        422,
    ),
    (
        "POST",
        PRODUCTS,
        {**CARD, "attributes": [{"name": "Wifi", "kind": "boolean", "value": 1}]},
        "attributes.0.value",
        422,
    ),
    ("POST", PRODUCTS, {**CARD, "attributes": [{"name": "Size", "kind": "text"}]}, "attributes.0.value", 422),
    (
        "POST",
        PRODUCTS,
        {
            **CARD,
            "attributes": [
                {"name": "Size", "kind": "text", "value": "S"},
                {"name": "size", "kind": "text", "value": "M"},
            ],
        },
        "attributes.1.name",
        422,
    ),
    (
        "POST",
        PRODUCTS,
        {**CARD, "attributes": [{"name": f"a{n}", "kind": "boolean", "value": True} for n in range(51)]},
        "attributes",
        422,
    ),
    ("POST", PRODUCTS, {**CARD, "status": "published"}, "status", 422),
    ("GET", PRODUCTS, "status=sold", "status", 422),
    ("GET", PRODUCTS, "limit=0", "limit", 422),
    ("GET", PRODUCTS, "limit=many", "limit", 422),
    ("GET", PRODUCTS, "cursor=%%%", "cursor", 422),
    ("GET", PRODUCTS, "seller_id={other_id}", "seller_id", 422),
    ("GET", DRAFT.replace("draft_id", "other_id"), None, "", 404),
    ("GET", DRAFT.replace("draft_id", "missing"), None, "", 404),
    ("PATCH", DRAFT, {"title": None}, "title", 422),
    ("PATCH", DRAFT, {"sku": None}, "sku", 422),
    ("PATCH", DRAFT, {"title": "ab"}, "title", 422),
    ("PATCH", DRAFT, {"price": {"amount": -1, "currency": "EUR"}}, "price.amount", 422),
    ("PATCH", DRAFT, {"category_id": "no-such-category"}, "category_id", 422),
    ("PATCH", DRAFT, {"attributes": [{"name": "", "kind": "text", "value": "x"}]}, "attributes.0.name", 422),
    ("PATCH", DRAFT, {"status": "published"}, "status", 422),
    ("PATCH", DRAFT, {"sku": "PUBLISHED-1"}, "", 409),
    ("PATCH", DRAFT.replace("draft_id", "other_id"), {"title": "Mine now"}, "", 404),
    ("PATCH", DRAFT.replace("draft_id", "missing"), {"title": "Teapot"}, "", 404),
    ("POST", "/api/v1/seller/products/{published_id}/submit", None, "", 409),
    ("POST", "/api/v1/seller/products/{other_id}/submit", None, "", 404),
    ("POST", "/api/v1/seller/products/{missing}/submit", None, "", 404),
    ("POST", "/api/v1/seller/products/{other_id}/archive", None, "", 404),
    ("POST", "/api/v1/seller/products/{missing}/archive", None, "", 404),
    # The shop
    ("GET", "/api/v1/products", "category_id=no-such-category", "category_id", 422),
    ("GET", "/api/v1/products", "limit=101", "limit", 422),
    ("GET", "/api/v1/products", "cursor=WzFd", "cursor", 422),
    ("GET", "/api/v1/products", "status=draft", "status", 422),
    ("GET", "/api/v1/products/{draft_id}", None, "", 404),
    ("GET", "/api/v1/products/{missing}", None, "", 404),
]

ADMIN_ROUTES = ("/api/v1/admin/",)
SELLER_ROUTES = ("/api/v1/seller/",)


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """An admin; a category "Kitchen"; a verified seller with a draft and a published card; another seller
    with a draft."""
    from features.steps.accounts import World, admin
    from features.steps.catalog import Catalog, a_category, has_created, has_published
    from features.steps.sellers import verified_seller

    catalog = Catalog(World(api, server))
    world = catalog.world
    admin(world, "boss@example.com")
    a_category(catalog, "Kitchen")
    verified_seller(world, "potter@example.com")
    verified_seller(world, "smith@example.com")
    catalog.create("potter@example.com", "Blue Teapot", "Potter", "Kitchen", PRICE, sku="DRAFT-1")
    has_published(catalog, "potter@example.com", "Green Teapot", "Potter", "Kitchen", "30.00", "EUR", 3)
    has_created(catalog, "smith@example.com", "Iron Pan", "Smith", "Kitchen", "40.00", "EUR")
    published = catalog.seller_view("potter@example.com", "Green Teapot")
    api.patch(
        f"/api/v1/seller/products/{published['id']}", {"sku": "PUBLISHED-1"}, token=world.token("potter@example.com")
    )
    api.post(f"/api/v1/seller/products/{published['id']}/submit", token=world.token("potter@example.com"))
    assert catalog.seller_view("potter@example.com", "Green Teapot")["status"] == "published"
    return {
        "admin": world.token("boss@example.com"),
        "seller": world.token("potter@example.com"),
        "other_seller": world.token("smith@example.com"),
        "category_id": catalog.category_id("Kitchen"),
        "draft_id": catalog.product_id("Blue Teapot"),
        "published_id": catalog.product_id("Green Teapot"),
        "other_id": catalog.product_id("Iron Pan"),
        "missing": "01900000-0000-7000-8000-000000000000",
    }


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    """Everything the bad requests could have touched: both sellers' cards, the shop, the tree."""
    views = [
        api.get("/api/v1/seller/products?limit=100", token=shop["seller"]).body,
        api.get("/api/v1/seller/products?limit=100", token=shop["other_seller"]).body,
        api.get("/api/v1/products?limit=100", token="").body,
        api.get(f"/api/v1/products/{shop['published_id']}", token="").body,
        api.get("/api/v1/categories", token="").body,
    ]
    assert len(views[2]["items"]) == 1
    return views


def _token(shop: dict[str, str], path: str) -> str:
    if path.startswith(ADMIN_ROUTES):
        return shop["admin"]
    if path.startswith(SELLER_ROUTES):
        return shop["seller"]
    return ""


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    def send(method: str, path: str, payload: Any, token: str) -> Reply:
        return request(api, method, path, filled(payload, shop), token)

    check_rows(api, BAD, shop, lambda path: _token(shop, path), lambda: _state(api, shop), send)


def test_a_taken_sku_is_named_in_the_conflict(api: ApiClient, shop: dict[str, str]) -> None:
    reply = api.post(PRODUCTS, filled({**CARD, "sku": "DRAFT-1"}, shop), token=shop["seller"])
    assert reply.status == 409
    assert "sku 'DRAFT-1'" in reply.body["detail"]


def test_another_sellers_card_is_reported_as_missing(api: ApiClient, shop: dict[str, str]) -> None:
    other = api.get(f"{PRODUCTS}/{shop['other_id']}", token=shop["seller"])
    missing = api.get(f"{PRODUCTS}/{shop['missing']}", token=shop["seller"])
    draft = api.get(f"/api/v1/products/{shop['draft_id']}", token="")

    assert other.status == missing.status == draft.status == 404
    assert other.body["detail"] == missing.body["detail"] == draft.body["detail"]
