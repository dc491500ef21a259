"""Commands and results of the cart use cases (frozen attrs classes)."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.shared.money import Money
from core.shared.security import Principal


@attrs.frozen
class Shopper:
    """Whose cart: a logged-in user's (the principal wins when both are given) or a guest's (the token)."""

    principal: Principal | None = None
    cart_token: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class StartGuestCart:
    pass


@attrs.frozen
class ViewCart:
    shopper: Shopper


@attrs.frozen
class AddToCart:
    shopper: Shopper
    product_id: str
    quantity: int = 1


@attrs.frozen
class ChangeQuantity:
    """Set a line's quantity; 0 removes the line."""

    shopper: Shopper
    product_id: str
    quantity: int


@attrs.frozen
class RemoveFromCart:
    shopper: Shopper
    product_id: str


@attrs.frozen
class ClearCart:
    shopper: Shopper


@attrs.frozen
class MergeCarts:
    """At login: the guest cart named by ``cart_token`` joins the user's cart."""

    user_id: str
    cart_token: str = attrs.field(repr=False)


@attrs.frozen
class GuestCart:
    """A new guest cart: send ``cart_token`` as the X-Cart-Token header."""

    cart_token: str = attrs.field(repr=False)


@attrs.frozen
class CartLineView:
    """One line at today's price and availability. ``title``, ``unit_price`` and ``line_total`` are null once
    the product is no longer sold; ``note`` says why a line cannot be bought as it stands."""

    product_id: str
    title: str | None
    unit_price: Money | None
    quantity: int
    line_total: Money | None
    available: int
    purchasable: bool
    image_url: str | None
    note: str | None


@attrs.frozen
class CartView:
    """The cart. ``totals`` has one amount per currency (never added together) and counts only the lines
    that can be bought; ``item_count`` counts every unit in the cart."""

    lines: list[CartLineView]
    totals: list[Money]
    item_count: int
    notes: list[str]
    updated_at: datetime | None


@attrs.frozen
class ForgetUserCart:
    """The account is gone: its cart goes too (runs on auth.AccountDeleted)."""

    user_id: str
