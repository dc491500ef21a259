"""Events of the activity context.

What shoppers do in the shop's pages arrives as events the HTTP layer sends without waiting (views,
searches, cart changes, a guest's activity claimed at login), keyed by the actor so one shopper's actions
keep their order. The activity worker raises ``ShopperSignalsChanged`` when a user's signals changed (the
recommendations context rebuilds their list) and ``ActivityErased`` when a user's activity was erased.
"""

from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event


@domain_event("activity.ProductViewed.v1", key="actor")
@attrs.frozen(kw_only=True)
class ProductViewed(Event):
    actor: str
    product_id: str


@domain_event("activity.SearchMade.v1", key="actor")
@attrs.frozen(kw_only=True)
class SearchMade(Event):
    """A product search: its text, its filters (name, value) and how many products matched."""

    actor: str
    query: str
    filters: list[list[str]]
    results: int


@domain_event("activity.CartItemAdded.v1", key="actor")
@attrs.frozen(kw_only=True)
class CartItemAdded(Event):
    actor: str
    product_id: str
    quantity: int


@domain_event("activity.CartItemRemoved.v1", key="actor")
@attrs.frozen(kw_only=True)
class CartItemRemoved(Event):
    actor: str
    product_id: str


@domain_event("activity.GuestActivityClaimed.v1", key="actor")
@attrs.frozen(kw_only=True)
class GuestActivityClaimed(Event):
    """At login: what the guest ``guest`` did becomes the user's (keyed by the guest, so it follows the
    guest's own actions)."""

    actor: str  # the guest
    user_id: str


@domain_event("activity.ShopperSignalsChanged.v1", key="user_id")
@attrs.frozen(kw_only=True)
class ShopperSignalsChanged(Event):
    user_id: str


@domain_event("activity.ActivityErased.v1", key="user_id")
@attrs.frozen(kw_only=True)
class ActivityErased(Event):
    user_id: str
