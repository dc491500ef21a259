"""Steps about carts (features/cart.feature): a guest's cart by its token, a customer's by her login."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd import given, then, when

from core.shared.money import MINOR_UNITS
from features.steps.accounts import DEFAULT_DEVICE
from features.steps.text import step
from tests.support.http import Reply

if TYPE_CHECKING:
    # Only named: importing the catalogue's steps here, before pytest loads them as a plugin (this module
    # comes first), would keep pytest from rewriting their asserts.
    from features.steps.catalog import Catalog

CART_HEADER = "X-Cart-Token"


class Shopping:
    """The guest's cart token; products are named by title, as the catalogue's steps created them."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog, self.world = catalog, catalog.world
        self.cart_token = ""

    def as_guest(self, method: str, path: str, body: Any = None) -> Reply:
        headers = {CART_HEADER: self.cart_token}
        return self.world.keep(self.world.api.request(method, path, body, token="", headers=headers))

    def as_customer(self, method: str, email: str, path: str, body: Any = None) -> Reply:
        return self.world.as_user(method, email, path, body)

    def product_id(self, title: str) -> str:
        return self.catalog.product_id(title)


@pytest.fixture
def shopping(catalog: Catalog) -> Shopping:
    return Shopping(catalog)


def _money(text: str) -> dict[str, Any]:
    """ "25.00 EUR" -> {"amount": 2500, "currency": "EUR"}, as the API writes money."""
    price, currency = text.split()
    return {"amount": int(Decimal(price).scaleb(MINOR_UNITS[currency])), "currency": currency}


def _shown(value: dict[str, Any] | None) -> str:
    """{"amount": 2500, "currency": "EUR"} -> "25.00 EUR"; no price (the product is no longer sold) -> "-"."""
    if value is None:
        return "-"
    digits = MINOR_UNITS[value["currency"]]
    return f"{Decimal(value['amount']).scaleb(-digits):.{digits}f} {value['currency']}"


def _lines(reply: Reply) -> list[dict[str, str]]:
    return [
        {
            "title": line["title"],
            "quantity": str(line["quantity"]),
            "unit price": _shown(line["unit_price"]),
            "line total": _shown(line["line_total"]),
            "purchasable": "yes" if line["purchasable"] else "no",
        }
        for line in reply.body["lines"]
    ]


def _holds(reply: Reply, datatable: list[list[str]]) -> None:
    assert reply.status == 200, reply.body
    header, *rows = datatable
    expected = [dict(zip(header, row, strict=True)) for row in rows]
    assert sorted(_lines(reply), key=lambda r: r["title"]) == sorted(expected, key=lambda r: r["title"])


def _totals(reply: Reply, total: str, count: int) -> None:
    assert reply.status == 200, reply.body
    expected = [] if total == "nothing" else [_money(t.strip()) for t in total.split("+")]
    assert reply.body["totals"] == expected
    assert reply.body["item_count"] == count


@given("a guest has started a cart")
def guest_starts_cart(shopping: Shopping) -> None:
    reply = shopping.world.keep(shopping.world.api.post("/api/v1/cart/guest", token=""))
    assert reply.status == 201, reply.body
    shopping.cart_token = reply.body["cart_token"]


@given(step('the guest adds {quantity:d} "{title}" to the cart'))
@when(step('the guest adds {quantity:d} "{title}" to the cart'))
def guest_adds(shopping: Shopping, quantity: int, title: str) -> None:
    shopping.as_guest("POST", "/api/v1/cart/items", {"product_id": shopping.product_id(title), "quantity": quantity})


@when(step('the guest changes the quantity of "{title}" to {quantity:d}'))
def guest_changes(shopping: Shopping, title: str, quantity: int) -> None:
    shopping.as_guest("PATCH", f"/api/v1/cart/items/{shopping.product_id(title)}", {"quantity": quantity})


@when(step('the guest removes "{title}" from the cart'))
def guest_removes(shopping: Shopping, title: str) -> None:
    shopping.as_guest("DELETE", f"/api/v1/cart/items/{shopping.product_id(title)}")


@then(step("the guest's cart holds these lines:"))
def guest_cart_holds(shopping: Shopping, datatable: list[list[str]]) -> None:
    _holds(shopping.as_guest("GET", "/api/v1/cart"), datatable)


@then(step('the guest\'s cart totals "{total}" for {count:d} items'))
def guest_cart_totals(shopping: Shopping, total: str, count: int) -> None:
    _totals(shopping.as_guest("GET", "/api/v1/cart"), total, count)


@then(step('the line "{title}" of the guest\'s cart notes "{note}"'))
def guest_line_notes(shopping: Shopping, title: str, note: str) -> None:
    reply = shopping.as_guest("GET", "/api/v1/cart")
    (line,) = [line for line in reply.body["lines"] if line["title"] == title]
    assert line["note"] == note


@then("the guest's cart token is refused")
def guest_token_refused(shopping: Shopping) -> None:
    reply = shopping.as_guest("GET", "/api/v1/cart")
    assert reply.status == 404, reply.body
    assert reply.problem_fields == [CART_HEADER]


@given(step('"{email}" adds {quantity:d} "{title}" to her cart'))
def customer_adds(shopping: Shopping, email: str, quantity: int, title: str) -> None:
    body = {"product_id": shopping.product_id(title), "quantity": quantity}
    assert shopping.as_customer("POST", email, "/api/v1/cart/items", body).status == 200


@when(step('"{email}" logs in with the guest\'s cart'))
def logs_in_with_guest_cart(shopping: Shopping, email: str) -> None:
    world = shopping.world
    body = {"email": email, "password": world.passwords[email]}
    reply = world.keep(world.api.post("/api/v1/auth/login", body, token="", headers={CART_HEADER: shopping.cart_token}))
    if reply.status == 200:
        world.tokens[(email, DEFAULT_DEVICE)] = reply.body["token"]


@then(step('the cart of "{email}" holds these lines:'))
def customer_cart_holds(shopping: Shopping, email: str, datatable: list[list[str]]) -> None:
    _holds(shopping.as_customer("GET", email, "/api/v1/cart"), datatable)


@then(step('the cart of "{email}" totals "{total}" for {count:d} items'))
def customer_cart_totals(shopping: Shopping, email: str, total: str, count: int) -> None:
    _totals(shopping.as_customer("GET", email, "/api/v1/cart"), total, count)


@when(step('someone reads the cart with the cart token "{cart_token}"'))
def reads_with_token(shopping: Shopping, cart_token: str) -> None:
    shopping.cart_token = cart_token
    shopping.as_guest("GET", "/api/v1/cart")


@then(step('the answer does not mention "{word}"'))
def answer_does_not_mention(shopping: Shopping, word: str) -> None:
    assert word.lower() not in json.dumps(shopping.world.last.body).lower()
