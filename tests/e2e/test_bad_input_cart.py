"""Every cart route, fed bad input: a 4xx problem+json that names the field, and the cart stays as it was.

The rows are sent by a guest (X-Cart-Token) whose cart holds one unit of a published product; a text
"{product_id}", "{draft_id}" or "{missing}" in a path or a body is replaced by the shop's ids.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_input import assert_problem, check_rows, filled
from tests.support.http import ApiClient, Reply

CART_HEADER = "X-Cart-Token"
ITEMS = "/api/v1/cart/items"

# (method, path template, body, the field the problem must name, status)
BAD: list[tuple[str, str, Any, str, int]] = [
    ("POST", ITEMS, {"quantity": 1}, "product_id", 422),
    ("POST", ITEMS, {"product_id": 5}, "product_id", 422),
    ("POST", ITEMS, {"product_id": ""}, "product_id", 422),
    ("POST", ITEMS, {"product_id": "x" * 65}, "product_id", 422),
    ("POST", ITEMS, {"product_id": "{product_id}", "quantity": 0}, "quantity", 422),
    ("POST", ITEMS, {"product_id": "{product_id}", "quantity": 100}, "quantity", 422),
    ("POST", ITEMS, {"product_id": "{product_id}", "quantity": 99}, "quantity", 422),  # 1 + 99 on one line
    ("POST", ITEMS, {"product_id": "{product_id}", "quantity": "2"}, "quantity", 422),
    ("POST", ITEMS, {"product_id": "{product_id}", "quantity": True}, "quantity", 422),
    ("POST", ITEMS, {"product_id": "{product_id}", "colour": "red"}, "colour", 422),
    ("POST", ITEMS, "not an object", "body", 422),
    ("POST", ITEMS, {"product_id": "{draft_id}"}, "", 404),
    ("POST", ITEMS, {"product_id": "{missing}"}, "", 404),
    ("PATCH", ITEMS + "/{product_id}", {"quantity": -1}, "quantity", 422),
    ("PATCH", ITEMS + "/{product_id}", {"quantity": 100}, "quantity", 422),
    ("PATCH", ITEMS + "/{product_id}", {"quantity": 1.5}, "quantity", 422),
    ("PATCH", ITEMS + "/{product_id}", {}, "quantity", 422),
    ("PATCH", ITEMS + "/{product_id}", {"quantity": 2, "price": 1}, "price", 422),
    ("PATCH", ITEMS + "/{missing}", {"quantity": 1}, "", 404),
    ("PATCH", ITEMS + "/{draft_id}", {"quantity": 1}, "", 404),
    ("DELETE", ITEMS + "/{missing}", None, "", 404),
]

CART_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/cart", None),
    ("DELETE", "/api/v1/cart", None),
    ("POST", ITEMS, {"product_id": "{product_id}"}),
    ("PATCH", ITEMS + "/{product_id}", {"quantity": 2}),
    ("DELETE", ITEMS + "/{product_id}", None),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """A seller's published product and draft, and a guest cart holding one unit of the product."""
    from features.steps.accounts import World
    from features.steps.cart import Shopping, guest_adds, guest_starts_cart
    from features.steps.catalog import Catalog, a_category, has_created, has_published
    from features.steps.sellers import verified_seller

    world = World(api, server)
    catalog = Catalog(world)
    verified_seller(world, "potter@example.com")
    a_category(catalog, "Kitchen")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 5)
    has_created(catalog, "potter@example.com", "Secret Kettle", "Potter", "Kitchen", "30.00", "EUR")
    shopping = Shopping(catalog)
    guest_starts_cart(shopping)
    guest_adds(shopping, 1, "Blue Teapot")
    assert world.last.status == 200, world.last.body
    return {
        "cart_token": shopping.cart_token,
        "product_id": shopping.product_id("Blue Teapot"),
        "draft_id": shopping.product_id("Secret Kettle"),
        "missing": "01900000-0000-7000-8000-000000000000",
    }


def _as_guest(api: ApiClient, shop: dict[str, str], method: str, path: str, body: Any = None, **kw: Any) -> Reply:
    headers = {CART_HEADER: shop["cart_token"], **kw.pop("headers", {})}
    return api.request(method, filled(path, shop), filled(body, shop), token="", headers=headers, **kw)


def _cart(api: ApiClient, shop: dict[str, str]) -> Any:
    reply = _as_guest(api, shop, "GET", "/api/v1/cart")
    assert reply.status == 200, reply.body
    return reply.body


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    def send(method: str, path: str, body: Any, _token: str) -> Reply:
        reply = _as_guest(api, shop, method, path, body)
        assert "draft" not in str(reply.body).lower(), reply.body
        return reply

    check_rows(api, BAD, shop, lambda path: "", lambda: _cart(api, shop), send)


@pytest.mark.parametrize(("method", "path", "body"), CART_ROUTES, ids=lambda v: str(v))
def test_an_unknown_cart_token_is_a_404_naming_the_header(
    api: ApiClient, shop: dict[str, str], method: str, path: str, body: Any
) -> None:
    before = _cart(api, shop)

    reply = _as_guest(api, shop, method, path, body, headers={CART_HEADER: "no-such-cart-token"})

    assert_problem(reply, 404)
    assert reply.problem_fields == [CART_HEADER]
    assert _cart(api, shop) == before


@pytest.mark.parametrize(("method", "path", "body"), CART_ROUTES, ids=lambda v: str(v))
def test_without_a_cart_token_or_a_login_the_cart_routes_answer_401(
    api: ApiClient, shop: dict[str, str], method: str, path: str, body: Any
) -> None:
    reply = api.request(method, filled(path, shop), filled(body, shop), token="")

    assert_problem(reply, 401)


def test_a_bad_bearer_token_is_refused_even_with_a_good_cart_token(api: ApiClient, shop: dict[str, str]) -> None:
    before = _cart(api, shop)

    reply = _as_guest(api, shop, "POST", ITEMS, {"product_id": "{product_id}"}, headers={"Authorization": "Bearer x"})

    assert_problem(reply, 401)
    assert _cart(api, shop) == before
