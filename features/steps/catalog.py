"""Steps about the catalogue (features/catalog.feature), and the catalogue givens other features use:

- 'a category "{name}"' and 'a category "{name}" under "{parent}"' (made by the admin
  "catalog-admin@example.com", created on first use, so a scenario's own admin stays whoever it named);
- 'the seller "{email}" has published "{title}" by "{brand}" in "{category}" at {price} {currency} with
  {stock:d} in stock' (and the same '... with the attributes "Colour=blue, Handmade=true"'): the card is
  created and submitted through the seller routes, its stock set through the stock route; clean content is
  approved by the moderation rules, and the given checks that the card is published.

Cards are named by the title they were created with (``Catalog.product_ids``), also after a rename.
"""

from __future__ import annotations

import json
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

CATALOG_ADMIN = "catalog-admin@example.com"
ADMIN_PASSWORD = "the catalogue admin's passphrase"
SELLER_PRODUCTS = "/api/v1/seller/products"


class Catalog:
    """The categories and product cards the scenario made, by name and by the title they were created with."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.category_ids: dict[str, str] = {}
        self.product_ids: dict[str, str] = {}
        self.sellers: dict[str, str] = {}  # title -> the email of the card's seller

    def admin(self) -> str:
        world = self.world
        if (CATALOG_ADMIN, "default") not in world.tokens:
            customer(world, CATALOG_ADMIN, ADMIN_PASSWORD)
            grant = world.server.runtime.resolve(SetUserRoles)
            world.server.call(grant(SetRoles(OPERATOR, world.user_id(CATALOG_ADMIN), frozenset({Role.ADMIN}))))
            logged_in(world, CATALOG_ADMIN)
        return CATALOG_ADMIN

    def category_id(self, name: str) -> str:
        if name not in self.category_ids:
            found = [n["id"] for n in _walk(self.tree()) if n["name"] == name]
            assert len(found) == 1, f"no one category {name!r}"
            self.category_ids[name] = found[0]
        return self.category_ids[name]

    def tree(self) -> list[dict[str, Any]]:
        reply = self.world.api.get("/api/v1/categories", token="")
        assert reply.status == 200, reply.body
        items: list[dict[str, Any]] = reply.body["items"]
        return items

    def product_id(self, title: str) -> str:
        return self.product_ids[title]

    def card_path(self, title: str, action: str = "") -> str:
        return f"{SELLER_PRODUCTS}/{self.product_id(title)}{action}"

    def seller_view(self, email: str, title: str) -> dict[str, Any]:
        reply = self.world.api.get(self.card_path(title), token=self.world.token(email))
        assert reply.status == 200, reply.body
        view: dict[str, Any] = reply.body
        return view

    def public_view(self, title: str) -> Reply:
        return self.world.keep(self.world.api.get(f"/api/v1/products/{self.product_id(title)}", token=""))

    def listed(self, category: str | None = None) -> list[str]:
        """The ids the shop lists (in ``category`` and below), every page."""
        query = f"category_id={self.category_id(category)}&" if category else ""
        ids: list[str] = []
        cursor = ""
        while True:
            reply = self.world.api.get(f"/api/v1/products?{query}limit=2{cursor}", token="")
            assert reply.status == 200, reply.body
            ids += [card["id"] for card in reply.body["items"]]
            if reply.body["next_cursor"] is None:
                return ids
            cursor = f"&cursor={reply.body['next_cursor']}"

    def create(
        self,
        email: str,
        title: str,
        brand: str,
        category: str,
        amount: dict[str, Any],
        sku: str | None = None,
        attributes: list[dict[str, Any]] | None = None,
    ) -> Reply:
        body = {
            "sku": sku or f"CAT-{len(self.product_ids) + 1:04d}",
            "title": title,
            # Each seller's own words: moderation sends a description copied from another seller to a person.
            "description": f"{title} from {brand}, sold by {email.split('@')[0].title()}: made for everyday use.",
            "brand": brand,
            "category_id": self.category_id(category),
            "price": amount,
            "attributes": attributes or [],
        }
        reply = self.world.as_user("POST", email, SELLER_PRODUCTS, body)
        if reply.status == 201:
            self.product_ids.setdefault(title, str(reply.body["id"]))
            self.sellers.setdefault(title, email)
        return reply


@pytest.fixture
def catalog(world: World) -> Catalog:
    return Catalog(world)


def _walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for node in nodes for n in [node, *_walk(node["children"])]]


def money(price: str, currency: str) -> dict[str, Any]:
    """ "25.00", "EUR" -> {"amount": 2500, "currency": "EUR"}, as the API writes money."""
    return {"amount": int(Decimal(price).scaleb(MINOR_UNITS[currency])), "currency": currency}


def shown(value: dict[str, Any]) -> str:
    digits = MINOR_UNITS[value["currency"]]
    return f"{Decimal(value['amount']).scaleb(-digits):.{digits}f} {value['currency']}"


def attributes(text: str) -> list[dict[str, Any]]:
    """ "Colour=blue, Volume (l)=1.5, Handmade=true" -> typed attributes: true/false, a number, or text."""
    typed: list[dict[str, Any]] = []
    for pair in (p.strip() for p in text.split(",") if p.strip()):
        name, _, raw = pair.partition("=")
        value: Any = raw.strip()
        kind = "text"
        if value in ("true", "false"):
            kind, value = "boolean", value == "true"
        else:
            try:
                number = Decimal(value)
            except ArithmeticError:
                pass
            else:
                kind, value = "number", int(number) if number == number.to_integral_value() else float(number)
        typed.append({"name": name.strip(), "kind": kind, "value": value})
    return typed


def _tree_text(nodes: list[dict[str, Any]]) -> str:
    """The tree as "Kitchen (Cups, Teapots), Garden": each level in the order the API gives it."""
    return ", ".join(f"{n['name']} ({_tree_text(n['children'])})" if n["children"] else n["name"] for n in nodes)


# Givens (shared)


@given(step('a category "{name}"'))
def a_category(catalog: Catalog, name: str) -> None:
    reply = catalog.world.as_user("POST", catalog.admin(), "/api/v1/admin/categories", {"name": name})
    assert reply.status == 201, reply.body
    catalog.category_ids[name] = str(reply.body["id"])


@given(step('a category "{name}" under "{parent}"'))
def a_category_under(catalog: Catalog, name: str, parent: str) -> None:
    body = {"name": name, "parent_id": catalog.category_id(parent)}
    reply = catalog.world.as_user("POST", catalog.admin(), "/api/v1/admin/categories", body)
    assert reply.status == 201, reply.body
    catalog.category_ids[name] = str(reply.body["id"])


PUBLISHED = (
    'the seller "{email}" has published "{title}" by "{brand}" in "{category}" at {price} {currency} '
    "with {stock:d} in stock"
)


def publish(
    catalog: Catalog,
    email: str,
    title: str,
    brand: str,
    category: str,
    price: dict[str, Any],
    stock: int,
    typed: list[dict[str, Any]] | None = None,
) -> None:
    """Create the card, count its stock, submit it; the moderation rules approve clean content."""
    world = catalog.world
    created = catalog.create(email, title, brand, category, price, attributes=typed)
    assert created.status == 201, created.body
    counted = world.as_user("PUT", email, catalog.card_path(title, "/stock"), {"quantity": stock})
    assert counted.status == 200, counted.body
    submitted = world.as_user("POST", email, catalog.card_path(title, "/submit"))
    assert submitted.status == 202, submitted.body
    view = catalog.seller_view(email, title)
    assert view["status"] == "published", f"{title!r} was not published: {view}"


@given(step(PUBLISHED))
def has_published(
    catalog: Catalog, email: str, title: str, brand: str, category: str, price: str, currency: str, stock: int
) -> None:
    publish(catalog, email, title, brand, category, money(price, currency), stock)


@given(step(PUBLISHED + ' with the attributes "{pairs}"'))
def has_published_with_attributes(
    catalog: Catalog,
    email: str,
    title: str,
    brand: str,
    category: str,
    price: str,
    currency: str,
    stock: int,
    pairs: str,
) -> None:
    publish(catalog, email, title, brand, category, money(price, currency), stock, attributes(pairs))


@given(step('"{email}" has created the product "{title}" by "{brand}" in "{category}" at {price} {currency}'))
def has_created(catalog: Catalog, email: str, title: str, brand: str, category: str, price: str, currency: str) -> None:
    created = catalog.create(email, title, brand, category, money(price, currency))
    assert created.status == 201, created.body


# Whens


@when(step('the admin adds the category "{name}"'))
def admin_adds_category(catalog: Catalog, name: str) -> None:
    assert catalog.world.admin is not None
    reply = catalog.world.as_user("POST", catalog.world.admin, "/api/v1/admin/categories", {"name": name})
    if reply.status == 201:
        catalog.category_ids[name] = str(reply.body["id"])


@when(step('the admin adds the category "{name}" under "{parent}"'))
def admin_adds_category_under(catalog: Catalog, name: str, parent: str) -> None:
    assert catalog.world.admin is not None
    body = {"name": name, "parent_id": catalog.category_id(parent)}
    reply = catalog.world.as_user("POST", catalog.world.admin, "/api/v1/admin/categories", body)
    if reply.status == 201:
        catalog.category_ids[name] = str(reply.body["id"])


@when(step('the admin renames the category "{name}" to "{new_name}"'))
def admin_renames_category(catalog: Catalog, name: str, new_name: str) -> None:
    assert catalog.world.admin is not None
    path = f"/api/v1/admin/categories/{catalog.category_id(name)}"
    catalog.world.as_user("PATCH", catalog.world.admin, path, {"name": new_name})
    catalog.category_ids[new_name] = catalog.category_ids[name]


CREATES = (
    '"{email}" creates the product "{title}" by "{brand}" in "{category}" at {price} {currency} with the SKU "{sku}"'
)


@when(step(CREATES))
def creates_product(
    catalog: Catalog, email: str, title: str, brand: str, category: str, price: str, currency: str, sku: str
) -> None:
    catalog.create(email, title, brand, category, money(price, currency), sku=sku)


@when(step('"{email}" sends the new product {body}'))
def sends_new_product(catalog: Catalog, email: str, body: str) -> None:
    payload = json.loads(body.replace("$KITCHEN", catalog.category_id("Kitchen")))
    catalog.world.as_user("POST", email, SELLER_PRODUCTS, payload)


@when(step('"{email}" changes the title of "{title}" to "{new_title}"'))
def changes_title(catalog: Catalog, email: str, title: str, new_title: str) -> None:
    catalog.world.as_user("PATCH", email, catalog.card_path(title), {"title": new_title})


@when(step('"{email}" changes the price of "{title}" to {price} {currency}'))
def changes_price(catalog: Catalog, email: str, title: str, price: str, currency: str) -> None:
    catalog.world.as_user("PATCH", email, catalog.card_path(title), {"price": money(price, currency)})


@when(step('"{email}" puts {quantity:d} of "{title}" in stock'))
def puts_in_stock(catalog: Catalog, email: str, quantity: int, title: str) -> None:
    catalog.world.as_user("PUT", email, catalog.card_path(title, "/stock"), {"quantity": quantity})


@when(step('"{email}" submits the card "{title}"'))
def submits_card(catalog: Catalog, email: str, title: str) -> None:
    catalog.world.as_user("POST", email, catalog.card_path(title, "/submit"))


@when(step('"{email}" archives the card "{title}"'))
def archives_card(catalog: Catalog, email: str, title: str) -> None:
    catalog.world.as_user("POST", email, catalog.card_path(title, "/archive"))


@when(step('"{email}" reads the card "{title}"'))
def reads_card(catalog: Catalog, email: str, title: str) -> None:
    catalog.world.as_user("GET", email, catalog.card_path(title))


@when(step('a customer reads the product "{title}"'))
def customer_reads(catalog: Catalog, title: str) -> None:
    catalog.public_view(title)


# Thens


@then(step('the category tree is "{text}"'))
def tree_is(catalog: Catalog, text: str) -> None:
    assert _tree_text(catalog.tree()) == text


@then(step('the problem says "{words}"'))
def problem_says(world: World, words: str) -> None:
    assert words in world.last.body["detail"], world.last.body


@then(step('"{email}" sees the card "{title}" with the status "{status}"'))
def sees_card_status(catalog: Catalog, email: str, title: str, status: str) -> None:
    view = catalog.seller_view(email, title)
    assert view["status"] == status, view


@then(step('"{email}" sees the card "{title}" titled "{shown_title}" at {price} {currency}'))
def sees_card_content(catalog: Catalog, email: str, title: str, shown_title: str, price: str, currency: str) -> None:
    view = catalog.seller_view(email, title)
    assert (view["title"], view["price"]) == (shown_title, money(price, currency)), view


@then(step('customers see "{title}" titled "{shown_title}" at {price} {currency}'))
def customers_see(catalog: Catalog, title: str, shown_title: str, price: str, currency: str) -> None:
    reply = catalog.public_view(title)
    assert reply.status == 200, reply.body
    assert (reply.body["title"], shown(reply.body["price"])) == (shown_title, f"{price} {currency}"), reply.body


@then(step('customers see "{title}" with {available:d} available in "{path}"'))
def customers_see_stock_and_path(catalog: Catalog, title: str, available: int, path: str) -> None:
    reply = catalog.public_view(title)
    assert reply.status == 200, reply.body
    card = reply.body
    assert (card["available"], card["in_stock"]) == (available, available > 0), card
    assert " > ".join(card["category"]["path"]) == path, card
    assert card["seller_id"] == catalog.world.user_id(catalog.sellers[title])


@then(step('customers see the attributes "{pairs}" on "{title}"'))
def customers_see_attributes(catalog: Catalog, pairs: str, title: str) -> None:
    reply = catalog.public_view(title)
    assert reply.status == 200, reply.body
    assert reply.body["attributes"] == attributes(pairs)


@then(step('customers cannot read "{title}"'))
def customers_cannot_read(catalog: Catalog, title: str) -> None:
    reply = catalog.public_view(title)
    assert reply.status == 404, reply.body
    assert reply.headers["Content-Type"].startswith("application/problem+json")


@then(step('the shop lists "{titles}" in "{category}"'))
def shop_lists_in(catalog: Catalog, titles: str, category: str) -> None:
    wanted = {catalog.product_id(t.strip()) for t in titles.split(",")}
    assert set(catalog.listed(category)) == wanted


@then(step('the shop lists "{title}"'))
def shop_lists(catalog: Catalog, title: str) -> None:
    assert catalog.product_id(title) in catalog.listed()


@then(step('the shop does not list "{title}"'))
def shop_does_not_list(catalog: Catalog, title: str) -> None:
    assert catalog.product_id(title) not in catalog.listed()
