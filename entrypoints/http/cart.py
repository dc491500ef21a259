"""Cart routes: a guest's cart (by the X-Cart-Token header) or the logged-in user's (by the bearer token)."""

from __future__ import annotations

from typing import Any

import attrs

from core.cart import commands as c
from core.cart import use_cases as uc
from core.cart.model import MAX_LINES, MAX_QUANTITY, UnknownCart
from core.shared.errors import FieldError, NotFound, ValidationFailed
from entrypoints.http.activity import track
from entrypoints.http.keys import CART_HEADER
from entrypoints.http.routing import Call, Endpoint
from entrypoints.http.schema import limits

TAG = "cart"

WHOSE = (
    f"Guests send the token from POST /api/v1/cart/guest in the `{CART_HEADER}` header; logged-in customers "
    f"their bearer token (when both are sent, the user's cart is meant). An unknown or expired `{CART_HEADER}` "
    "is a 404 naming the header; neither is a 401."
)


class UnknownCartToken(NotFound, ValidationFailed):
    """A 404 whose problem names the header: NotFound gives the status, ValidationFailed the field."""

    def __init__(self, message: str) -> None:
        ValidationFailed.__init__(self, [FieldError(CART_HEADER, message)])
        self.message = message


@attrs.frozen
class NewItemBody:
    """A product to put in the cart, or more of one already there."""

    product_id: str = attrs.field(metadata=limits(min_length=1, max_length=64))
    quantity: int = attrs.field(default=1, metadata=limits(minimum=1, maximum=MAX_QUANTITY))


@attrs.frozen
class QuantityBody:
    """The line's new quantity; 0 removes the line."""

    quantity: int = attrs.field(metadata=limits(minimum=0, maximum=MAX_QUANTITY))


def shopper(call: Call[Any, Any]) -> c.Shopper:
    return c.Shopper(call.principal, call.request.headers.get(CART_HEADER))


async def _run(call: Call[Any, Any], use_case: type, command: Any) -> Any:
    try:
        return await call.resolve(use_case)(command)
    except UnknownCart as error:
        raise UnknownCartToken(error.message) from None


async def start_guest_cart(call: Call[None, None]) -> c.GuestCart:
    return await call.resolve(uc.StartCart)(c.StartGuestCart())


async def get_cart(call: Call[None, None]) -> c.CartView:
    result: c.CartView = await _run(call, uc.ShowCart, c.ViewCart(shopper(call)))
    return result


async def add_item(call: Call[NewItemBody, None]) -> c.CartView:
    b = call.body
    result: c.CartView = await _run(call, uc.AddItem, c.AddToCart(shopper(call), b.product_id, b.quantity))
    if (tracking := track(call)) is not None:
        tracking.added_to_cart(b.product_id, b.quantity)
    return result


async def change_item(call: Call[QuantityBody, None]) -> c.CartView:
    command = c.ChangeQuantity(shopper(call), call.path("product_id"), call.body.quantity)
    result: c.CartView = await _run(call, uc.ChangeItemQuantity, command)
    if command.quantity == 0 and (tracking := track(call)) is not None:
        tracking.removed_from_cart(command.product_id)
    return result


async def remove_item(call: Call[None, None]) -> None:
    product_id = call.path("product_id")
    await _run(call, uc.RemoveItem, c.RemoveFromCart(shopper(call), product_id))
    if (tracking := track(call)) is not None:
        tracking.removed_from_cart(product_id)


async def clear_cart(call: Call[None, None]) -> None:
    await _run(call, uc.EmptyCart, c.ClearCart(shopper(call)))


def _cart(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    kw["description"] = f"{kw.get('description', '')}\n\n{WHOSE}".strip()
    return Endpoint(method, path, handler, summary, tag=TAG, authenticated=False, **kw)


ENDPOINTS = [
    Endpoint(
        "POST",
        "/cart/guest",
        start_guest_cart,
        "Start a guest cart",
        tag=TAG,
        authenticated=False,
        response=c.GuestCart,
        credential=True,
        status=201,
        errors=(409,),
        description=f"Send the returned `cart_token` in the `{CART_HEADER}` header of the cart routes. A guest "
        "cart left unchanged for the configured time (30 days by default) expires; at login "
        f"(POST /api/v1/auth/login with the `{CART_HEADER}` header) it joins the user's cart.",
    ),
    _cart(
        "GET",
        "/cart",
        get_cart,
        "The cart at today's prices and availability",
        response=c.CartView,
        errors=(401, 404),
        description="Prices and availability are read from the catalogue now, never kept in the cart; "
        "totals are per currency.",
    ),
    _cart(
        "POST",
        "/cart/items",
        add_item,
        "Put a product in the cart (or more of it)",
        body=NewItemBody,
        response=c.CartView,
        errors=(401, 404, 409),
        description=f"Only published products can be added. A line holds 1 to {MAX_QUANTITY} units (more is "
        f"a 422 naming quantity); a cart holds at most {MAX_LINES} products (409).",
    ),
    _cart(
        "PATCH",
        "/cart/items/{product_id}",
        change_item,
        "Set a line's quantity (0 removes it)",
        body=QuantityBody,
        response=c.CartView,
        errors=(401, 409),
    ),
    _cart("DELETE", "/cart/items/{product_id}", remove_item, "Remove a line", status=204, errors=(401, 409)),
    _cart("DELETE", "/cart", clear_cart, "Empty the cart", status=204, errors=(401, 404, 409)),
]
