"""Who may read and erase activity: a user sees and erases only their own; only admins see what shoppers
search for; recommendations are public, and a user's own list is told by their token alone."""

from __future__ import annotations

from typing import Any

from tests.support.http import ApiClient


def test_activity_is_the_callers_own(api: ApiClient, server: Any) -> None:
    from features.steps.accounts import World, admin, customer, logged_in
    from features.steps.catalog import Catalog, a_category, has_published
    from features.steps.sellers import verified_seller

    world = World(api, server)
    catalog = Catalog(world)
    a_category(catalog, "Kitchen")
    verified_seller(world, "potter@example.com")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 50)
    for name in ("ann", "bob"):
        customer(world, f"{name}@example.com", "correct horse battery")
        logged_in(world, f"{name}@example.com")
    admin(world, "root@example.com")
    ann, bob, root = (world.token(f"{n}@example.com") for n in ("ann", "bob", "root"))
    product_id = catalog.product_id("Blue Teapot")
    assert api.get(f"/api/v1/products/{product_id}", token=ann).status == 200
    assert api.get("/api/v1/search/products?q=nothing+like+it", token=ann).status == 200
    server.settle()

    assert api.get("/api/v1/me/activity", token="").status == 401
    assert api.delete("/api/v1/me/activity", token="").status == 401
    assert [a["kind"] for a in api.get("/api/v1/me/activity", token=ann).body["items"]] == ["searched", "viewed"]
    assert api.get("/api/v1/me/activity", token=bob).body["items"] == []
    assert api.delete("/api/v1/me/activity", token=bob).status == 204  # erases bob's: ann's stays
    assert len(api.get("/api/v1/me/activity", token=ann).body["items"]) == 2

    searches = "/api/v1/admin/activity/searches?without_results=true"
    assert api.get(searches, token="").status == 401
    assert api.get(searches, token=ann).status == 403
    reply = api.get(searches, token=root)
    assert reply.status == 200, reply.body
    assert reply.body["items"] == [{"query": "nothing like it", "searches": 1, "results": 0}]
    assert api.get("/api/v1/recommendations", token="").body["source"] == "base"


def test_a_deleted_accounts_activity_is_erased(api: ApiClient, server: Any) -> None:
    from core.shared.pagination import PageRequest
    from features.steps.accounts import World, customer, logged_in
    from features.steps.catalog import Catalog, a_category, has_published
    from features.steps.sellers import verified_seller
    from ports.activity import ActivityLog
    from ports.recommendations import ShopperSignals

    world = World(api, server)
    catalog = Catalog(world)
    a_category(catalog, "Kitchen")
    verified_seller(world, "potter@example.com")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 50)
    customer(world, "ann@example.com", "correct horse battery")
    logged_in(world, "ann@example.com")
    ann, ann_id = world.token("ann@example.com"), world.user_id("ann@example.com")
    assert api.get(f"/api/v1/products/{catalog.product_id('Blue Teapot')}", token=ann).status == 200
    server.settle()
    runtime = server.runtime

    def remembered() -> tuple[int, int]:
        logged = server.call(runtime.resolve(ActivityLog).of_actor(ann_id, [], PageRequest()))
        profile = server.call(runtime.resolve(ShopperSignals).profile(ann_id))
        return len(logged.items), len(profile.interests)

    assert remembered() == (1, 1)
    assert api.delete("/api/v1/me", {"password": "correct horse battery"}, token=ann).status == 204
    server.settle()
    assert remembered() == (0, 0)
