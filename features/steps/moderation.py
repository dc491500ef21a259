"""Steps about product moderation (features/moderation.feature), and the shared 'a moderator' given.

Sellers list and submit through the catalogue's routes; moderators work the queue through theirs. After
every write the client settles, so the moderation rules (and the products context applying their
decision) have run before the next step looks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pytest_bdd import given, then, when

from core.auth.commands import SetRoles
from core.auth.use_cases import SetUserRoles
from core.shared.money import MINOR_UNITS
from core.shared.security import Role
from features.steps.accounts import OPERATOR, World, customer, logged_in
from features.steps.text import step
from tests.support.http import Reply

MODERATOR_PASSWORD = "moderator's long passphrase"
MODERATION_ADMIN = "moderation-admin@example.com"
ADMIN_PASSWORD = "the admin's long passphrase"
CASES = "/api/v1/admin/moderation/cases"


class Listings:
    """The products the scenario submitted, by title, and the moderation case of each once looked up."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.product_ids: dict[str, str] = {}
        self.case_ids: dict[str, str] = {}

    def product_id(self, title: str) -> str:
        return self.product_ids[title]

    def case_id(self, moderator: str, title: str) -> str:
        """The case of the product's latest revision, from the queue or from the decided cases."""
        if title not in self.case_ids:
            product_id = self.product_id(title)
            for status in ("open", "decided"):
                reply = self.world.api.get(f"{CASES}?status={status}&limit=100", token=self.world.token(moderator))
                assert reply.status == 200, reply.body
                mine = [c for c in reply.body["items"] if c["subject_id"] == product_id]
                if mine:
                    self.case_ids[title] = str(max(mine, key=lambda c: c["revision"])["case_id"])
                    break
            else:
                raise AssertionError(f"no moderation case for {title!r}")
        return self.case_ids[title]

    def seller_view(self, email: str, title: str) -> dict[str, Any]:
        reply = self.world.api.get(f"/api/v1/seller/products/{self.product_id(title)}", token=self.world.token(email))
        assert reply.status == 200, reply.body
        view: dict[str, Any] = reply.body
        return view

    def shop_view(self, title: str) -> Reply:
        return self.world.keep(self.world.api.get(f"/api/v1/products/{self.product_id(title)}", token=""))


@pytest.fixture
def listings(world: World) -> Listings:
    return Listings(world)


def _category_id(world: World, name: str) -> str:
    reply = world.api.get("/api/v1/categories", token="")
    assert reply.status == 200, reply.body
    found: list[str] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            if node["name"] == name:
                found.append(str(node["id"]))
            walk(node.get("children", []))

    walk(reply.body["items"])
    assert len(found) == 1, f"no one category {name!r} in {reply.body}"
    return found[0]


def _minor_units(price: str, currency: str) -> int:
    return int(Decimal(price).scaleb(MINOR_UNITS[currency]))


def _admin(world: World) -> str:
    """The scenario's admin, or one made for granting roles when the scenario has none."""
    if world.admin is not None:
        return world.admin
    if (MODERATION_ADMIN, "default") not in world.tokens:
        customer(world, MODERATION_ADMIN, ADMIN_PASSWORD)
        grant = world.server.runtime.resolve(SetUserRoles)
        world.server.call(grant(SetRoles(OPERATOR, world.user_id(MODERATION_ADMIN), frozenset({Role.ADMIN}))))
        logged_in(world, MODERATION_ADMIN)
    return MODERATION_ADMIN


@given(step('a moderator "{email}"'))
def moderator(world: World, email: str) -> None:
    customer(world, email, MODERATOR_PASSWORD)
    path = f"/api/v1/admin/users/{world.user_id(email)}/roles"
    assert world.as_user("PUT", _admin(world), path, {"roles": ["moderator"]}).status == 200
    logged_in(world, email)


SUBMITS = '"{email}" submits "{title}" by "{brand}" in "{category}" at {price} {currency} described as "{description}"'


@when(step(SUBMITS))
def submits(
    listings: Listings, email: str, title: str, brand: str, category: str, price: str, currency: str, description: str
) -> None:
    world = listings.world
    body = {
        "sku": f"MOD-{len(listings.product_ids) + 1:04d}",
        "title": title,
        "description": description,
        "brand": brand,
        "category_id": _category_id(world, category),
        "price": {"amount": _minor_units(price, currency), "currency": currency},
        "attributes": [],
    }
    created = world.as_user("POST", email, "/api/v1/seller/products", body)
    assert created.status == 201, created.body
    listings.product_ids[title] = str(created.body["id"])
    submitted = world.as_user("POST", email, f"/api/v1/seller/products/{listings.product_id(title)}/submit")
    assert submitted.status == 202, submitted.body  # accepted: moderation runs asynchronously


@when(step('the moderator "{email}" approves "{title}"'))
def approves(listings: Listings, email: str, title: str) -> None:
    listings.world.as_user("POST", email, f"{CASES}/{listings.case_id(email, title)}/approve")


@when(step('the moderator "{email}" rejects "{title}" because "{reason}"'))
def rejects(listings: Listings, email: str, title: str, reason: str) -> None:
    path = f"{CASES}/{listings.case_id(email, title)}/reject"
    listings.world.as_user("POST", email, path, {"reasons": [reason]})


@when(step('"{email}" lists the moderation queue'))
def lists_queue(world: World, email: str) -> None:
    world.as_user("GET", email, CASES)


@then(step('the shop shows "{title}" to customers'))
def shop_shows(listings: Listings, title: str) -> None:
    reply = listings.shop_view(title)
    assert reply.status == 200, reply.body
    assert reply.body["title"] == title


@then(step('the shop does not show "{title}" to customers'))
def shop_hides(listings: Listings, title: str) -> None:
    reply = listings.shop_view(title)
    assert reply.status == 404, reply.body


@then(step('"{email}" sees "{title}" published'))
def sees_published(listings: Listings, email: str, title: str) -> None:
    view = listings.seller_view(email, title)
    assert view["status"] == "published", view
    assert view["rejection_reasons"] == []


@then(step('"{email}" sees "{title}" waiting for moderation'))
def sees_waiting(listings: Listings, email: str, title: str) -> None:
    assert listings.seller_view(email, title)["status"] == "pending_moderation"


@then(step('"{email}" sees "{title}" rejected with a reason naming "{word}"'))
def sees_rejected_naming(listings: Listings, email: str, title: str, word: str) -> None:
    view = listings.seller_view(email, title)
    assert view["status"] == "rejected", view
    assert any(word in reason for reason in view["rejection_reasons"]), view


@then(step('"{email}" sees "{title}" rejected because "{reason}"'))
def sees_rejected_because(listings: Listings, email: str, title: str, reason: str) -> None:
    view = listings.seller_view(email, title)
    assert view["status"] == "rejected", view
    assert view["rejection_reasons"] == [reason]


@then(step('the moderator "{email}" finds "{title}" in the queue because "{finding}"'))
def finds_in_queue(listings: Listings, email: str, title: str, finding: str) -> None:
    reply = listings.world.as_user("GET", email, CASES)
    assert reply.status == 200, reply.body
    [case] = [c for c in reply.body["items"] if c["subject_id"] == listings.product_id(title)]
    assert case["title"] == title
    assert case["status"] == "open"
    assert any(f["reason"].startswith(finding) for f in case["findings"]), case
    whole = listings.world.as_user("GET", email, f"{CASES}/{case['case_id']}")
    assert whole.status == 200, whole.body
    assert (whole.body["subject_type"], whole.body["content"]["title"]) == ("product", title)
    assert [entry["action"] for entry in whole.body["history"]] == ["opened"]


@then(step('the moderator "{email}" finds the queue empty'))
def finds_queue_empty(world: World, email: str) -> None:
    reply = world.as_user("GET", email, CASES)
    assert reply.status == 200, reply.body
    assert reply.body == {"items": [], "next_cursor": None}
