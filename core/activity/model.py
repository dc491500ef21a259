"""Shoppers' actions and the signals derived from them.

An action belongs to an actor: a user id, or for a guest ``guest_actor(cart token)`` (a digest, so the log
never holds the token itself). At login the guest's actions become the user's. Only what a shopper did
with a product feeds the signals; searches go to the log alone (analytics).
"""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import attrs

from core.activity.events import ActivityErased, ShopperSignalsChanged
from core.shared.events import Aggregate

GUEST = "guest-"
# The products of an actor's latest views that a new view counts as viewed together with it.
CO_VIEW_WINDOW = 10
# The products of a customer's earlier purchases that a new purchase counts as bought together with it.
CO_PURCHASE_WINDOW = 20
# How much each action says about a shopper's taste (category and brand affinities). A removal from
# the cart takes back part of what adding it said; a review says what its stars say.
TASTE_WEIGHTS = {"viewed": 1.0, "added_to_cart": 3.0, "removed_from_cart": -1.0, "purchased": 5.0}
REVIEW_WEIGHTS = {1: -4.0, 2: -2.0, 3: 0.0, 4: 2.0, 5: 4.0}
QUERY_MAX = 200


def search_key(query: str) -> str:
    """What counts two searches as the same: lowercase, with the whitespace collapsed ("  Red  Shoes" is
    "red shoes"). Both logs count by it, so they agree."""
    return " ".join(query.lower().split())


class ActionKind(enum.StrEnum):
    VIEWED = "viewed"
    SEARCHED = "searched"
    ADDED_TO_CART = "added_to_cart"
    REMOVED_FROM_CART = "removed_from_cart"
    PURCHASED = "purchased"
    REVIEWED = "reviewed"


class PairKind(enum.StrEnum):
    """Products counted together: viewed by one shopper in a row, or bought by one customer."""

    VIEWED = "viewed"
    BOUGHT = "bought"


class Dimension(enum.StrEnum):
    CATEGORY = "category"
    BRAND = "brand"


def guest_actor(cart_token: str) -> str:
    return GUEST + hashlib.sha256(cart_token.encode()).hexdigest()


def is_guest(actor: str) -> bool:
    return actor.startswith(GUEST)


@attrs.frozen(kw_only=True)
class Action:
    """One thing a shopper did. ``action_id`` is unique (the event's id, with the product's for an
    order's lines), so recording an action twice keeps one."""

    action_id: str
    actor: str
    kind: ActionKind
    occurred_at: datetime
    product_id: str | None = None
    category_path: tuple[str, ...] = ()  # ids from the root category down to the product's
    brand: str = ""
    quantity: int | None = None
    rating: int | None = None
    query: str | None = None
    filters: tuple[tuple[str, str], ...] = ()  # (name, value) pairs as the search was made
    results: int | None = None

    @property
    def taste_weight(self) -> float:
        if self.kind is ActionKind.REVIEWED:
            return REVIEW_WEIGHTS.get(self.rating or 3, 0.0)
        return TASTE_WEIGHTS.get(self.kind.value, 0.0)


@attrs.frozen
class RememberedOrder:
    """An order as the activity knows it: placed (its customer and lines), paid (the payment's event), or
    both; its lines are purchases once both are known."""

    order_id: str
    customer_id: str | None = None
    lines: tuple[tuple[str, int], ...] = ()  # (product id, quantity)
    paid_by: str | None = None  # the id of the event that told the payment
    paid_at: datetime | None = None


@attrs.frozen
class SearchCount:
    query: str
    searches: int
    results: int  # the results of its latest search


@attrs.define
class Shopper(Aggregate):
    """The actor whose signals a unit of work changes: it raises what the recommendations follow."""

    actor: str

    def signals_changed(self, at: datetime) -> None:
        if not is_guest(self.actor):  # a guest's list is the base feed: nothing to rebuild
            self.record(ShopperSignalsChanged(user_id=self.actor, occurred_at=at))

    def erased(self, at: datetime) -> None:
        self.record(ActivityErased(user_id=self.actor, occurred_at=at))
