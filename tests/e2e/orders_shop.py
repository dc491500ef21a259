"""The shop the orders e2e tests share: a seller with a product in stock, two customers (each with an
address), an order of ann's, and an admin. Tokens and ids by name."""

from __future__ import annotations

from typing import Any

from tests.support.http import ApiClient
from tests.support.shop import ADDRESS

MISSING = "01900000-0000-7000-8000-000000000000"
GOOD_CARD = "tok_visa"  # a gateway token (never card data)


def open_shop(api: ApiClient, server: Any) -> dict[str, str]:
    from features.steps.accounts import World, admin, customer, logged_in
    from features.steps.catalog import Catalog, a_category, has_published
    from features.steps.sellers import verified_seller

    world = World(api, server)
    catalog = Catalog(world)
    verified_seller(world, "potter@example.com")
    verified_seller(world, "weaver@example.com")
    a_category(catalog, "Kitchen")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 50)
    admin(world, "root@example.com")
    shop = {
        "seller": world.token("potter@example.com"),
        "other_seller": world.token("weaver@example.com"),
        "admin": world.token("root@example.com"),
        "product_id": catalog.product_id("Blue Teapot"),
        "missing": MISSING,
    }
    for name in ("ann", "bob"):
        email = f"{name}@example.com"
        customer(world, email, "correct horse battery")
        logged_in(world, email)
        token = world.token(email)
        reply = api.post("/api/v1/me/addresses", ADDRESS, token=token)
        assert reply.status == 201, reply.body
        shop[name], shop[f"{name}_address"] = token, reply.body["address_id"]
    cart = api.post("/api/v1/cart/items", {"product_id": shop["product_id"], "quantity": 1}, token=shop["ann"])
    assert cart.status == 200, cart.body
    order = checkout(api, shop["ann"], shop["ann_address"], "first-checkout")
    assert order.status == 201, order.body
    shop["order_id"] = order.body["order_id"]
    return shop


def browsed_shop(api: ApiClient, server: Any, searched: str) -> dict[str, str]:
    """A seller's published Blue Teapot that the customer ann looked at before she searched for ``searched``,
    and an admin: what the activity, recommendations and analytics routes have to show. Tokens and the
    product's id by name."""
    from features.steps.accounts import World, admin, customer, logged_in
    from features.steps.catalog import Catalog, a_category, has_published
    from features.steps.sellers import verified_seller

    world = World(api, server)
    catalog = Catalog(world)
    a_category(catalog, "Kitchen")
    verified_seller(world, "potter@example.com")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 50)
    customer(world, "ann@example.com", "correct horse battery")
    logged_in(world, "ann@example.com")
    admin(world, "root@example.com")
    shop = {
        "ann": world.token("ann@example.com"),
        "seller": world.token("potter@example.com"),
        "admin": world.token("root@example.com"),
        "product_id": catalog.product_id("Blue Teapot"),
    }
    assert api.get(f"/api/v1/products/{shop['product_id']}", token=shop["ann"]).status == 200
    assert api.get(f"/api/v1/search/products?q={searched}", token=shop["ann"]).status == 200
    server.settle()
    return shop


def checkout(api: ApiClient, token: str, address_id: str, key: str | None, payment_token: str = GOOD_CARD) -> Any:
    headers = {} if key is None else {"Idempotency-Key": key}
    body = {"address_id": address_id, "payment_token": payment_token}
    return api.post("/api/v1/orders", body, token=token, headers=headers)
