"""Carts: a guest's (by cart token) or a user's (by user id), holding product ids and quantities only.

Prices, titles and availability are never kept in a cart: they change while the cart waits, so they are
read from the catalogue each time the cart is shown. A cart raises no events yet: its store (Redis) has
no outbox, and nothing consumes cart changes until the activity context arrives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

import attrs

from core.shared.errors import Conflict, NotFound, ValidationFailed

MAX_LINES = 50
MAX_QUANTITY = 99

GUEST = "guest:"
USER = "user:"


def guest_cart_id(cart_token: str) -> str:
    """Guest carts are stored under a hash of their token, so the store never holds a usable token."""
    return GUEST + hashlib.sha256(cart_token.encode()).hexdigest()


def user_cart_id(user_id: str) -> str:
    return USER + user_id


def is_guest(cart_id: str) -> bool:
    return cart_id.startswith(GUEST)


def check_quantity(quantity: int, *, least: int = 1, field: str = "quantity") -> int:
    if not least <= quantity <= MAX_QUANTITY:
        raise ValidationFailed.of(field, f"must be between {least} and {MAX_QUANTITY}")
    return quantity


class UnknownCart(NotFound):
    """The guest cart a token names does not exist: never made, expired, or merged into a user's cart."""

    def __init__(self) -> None:
        super().__init__("no such cart: it expired or was merged at login; start a new one")


@attrs.define
class Cart:
    id: str
    lines: dict[str, int] = attrs.Factory(dict)  # product id -> quantity
    # What the shopper should know about the last merge (lines dropped or capped); cleared by their next change.
    notes: list[str] = attrs.Factory(list)
    updated_at: datetime | None = None
    # Moves on with every save; a save from a stale read is refused and redone (see ports.cart).
    version: int = 0

    @property
    def is_guest(self) -> bool:
        return is_guest(self.id)

    @property
    def item_count(self) -> int:
        return sum(self.lines.values())

    @classmethod
    def start(cls, cart_id: str, now: datetime) -> Cart:
        return cls(id=cart_id, updated_at=now)

    def _changed(self, now: datetime) -> None:
        self.updated_at = now
        self.notes = []

    def _line(self, product_id: str) -> int:
        if product_id not in self.lines:
            raise NotFound("this product is not in the cart")
        return self.lines[product_id]

    def add(self, product_id: str, quantity: int, now: datetime) -> None:
        """Put ``quantity`` more units of a product in the cart (a new line, or more of one)."""
        check_quantity(quantity)
        held = self.lines.get(product_id, 0)
        if held + quantity > MAX_QUANTITY:
            raise ValidationFailed.of(
                "quantity", f"a line holds at most {MAX_QUANTITY} units and the cart already has {held}"
            )
        if not held and len(self.lines) >= MAX_LINES:
            raise Conflict(f"a cart holds at most {MAX_LINES} products: remove one first")
        self.lines[product_id] = held + quantity
        self._changed(now)

    def set_quantity(self, product_id: str, quantity: int, now: datetime) -> None:
        """Set a line's quantity; 0 removes the line."""
        check_quantity(quantity, least=0)
        self._line(product_id)
        if quantity == 0:
            del self.lines[product_id]
        else:
            self.lines[product_id] = quantity
        self._changed(now)

    def remove(self, product_id: str, now: datetime) -> None:
        self._line(product_id)
        del self.lines[product_id]
        self._changed(now)

    def clear(self, now: datetime) -> None:
        self.lines.clear()
        self._changed(now)

    def absorb(self, guest: Cart, now: datetime) -> None:
        """Add a guest cart's lines to this one (at login): quantities are summed, capped per line, and
        new lines beyond the cart's limit are dropped; the notes say what did not fit."""
        capped = dropped = 0
        for product_id, quantity in sorted(guest.lines.items()):
            held = self.lines.get(product_id, 0)
            if not held and len(self.lines) >= MAX_LINES:
                dropped += 1
                continue
            if held + quantity > MAX_QUANTITY:
                capped += 1
            self.lines[product_id] = min(MAX_QUANTITY, held + quantity)
        self._changed(now)
        self.notes = list(_merge_notes(capped, dropped))


def _merge_notes(capped: int, dropped: int) -> Iterable[str]:
    if capped:
        yield f"{_products(capped)} from your guest cart reached the limit of {MAX_QUANTITY} units per line"
    if dropped:
        verb = "was" if dropped == 1 else "were"
        yield f"{_products(dropped)} from your guest cart {verb} not added: a cart holds at most {MAX_LINES} products"


def _products(count: int) -> str:
    return "1 product" if count == 1 else f"{count} products"
