"""Who may read and erase activity: a user sees and erases only their own; only admins see what shoppers
search for; recommendations are public, and a user's own list is told by their token alone."""

from __future__ import annotations

from typing import Any

from tests.e2e.orders_shop import browsed_shop
from tests.support.http import ApiClient


def test_activity_is_the_callers_own(api: ApiClient, server: Any) -> None:
    from features.steps.accounts import World, customer, logged_in

    shop = browsed_shop(api, server, searched="nothing+like+it")
    world = World(api, server)
    customer(world, "bob@example.com", "correct horse battery")
    logged_in(world, "bob@example.com")
    ann, bob, root = shop["ann"], world.token("bob@example.com"), shop["admin"]

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
    from features.steps.accounts import World
    from ports.activity import ActivityLog
    from ports.recommendations import ShopperSignals

    shop = browsed_shop(api, server, searched="teapot")
    ann = shop["ann"]
    ann_id = World(api, server).user_id("ann@example.com")
    runtime = server.runtime

    def remembered() -> tuple[int, int]:
        logged = server.call(runtime.resolve(ActivityLog).of_actor(ann_id, [], PageRequest()))
        profile = server.call(runtime.resolve(ShopperSignals).profile(ann_id))
        return len(logged.items), len(profile.interests)

    assert remembered() == (2, 1)  # viewed and searched; one product of interest
    assert api.delete("/api/v1/me", {"password": "correct horse battery"}, token=ann).status == 204
    server.settle()
    assert remembered() == (0, 0)
