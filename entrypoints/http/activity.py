"""Activity routes (a user's own history, its erasure, and what shoppers search for), and what the other
routes call to report a shopper's action without waiting: ``track(call)`` is the activity use case when
the caller can be told apart (a user by their bearer token, a guest by their cart token), None otherwise.
"""

from __future__ import annotations

from typing import Any

import attrs

from core.activity import commands as c
from core.activity import use_cases as uc
from core.activity.model import ActionKind, guest_actor
from core.shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from entrypoints.http.keys import CART_HEADER
from entrypoints.http.routing import ADMIN, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "activity"
TOKEN_MAX = 256  # longer is no cart token this API issued: the guest is not followed


def actor_of(call: Call[Any, Any]) -> str | None:
    if call.principal is not None:
        return call.principal.user_id
    token = call.request.headers.get(CART_HEADER)
    return guest_actor(token) if token and len(token) <= TOKEN_MAX else None


class Tracking:
    """``track(call).viewed(product_id)``: the action reported for the caller, if they can be told apart."""

    __slots__ = ("activity", "actor")

    def __init__(self, activity: uc.TrackActivity, actor: str) -> None:
        self.activity, self.actor = activity, actor

    def viewed(self, product_id: str) -> None:
        self.activity.viewed(self.actor, product_id)

    def searched(self, query: str, filters: list[tuple[str, str]], results: int) -> None:
        self.activity.searched(self.actor, query, filters, results)

    def added_to_cart(self, product_id: str, quantity: int) -> None:
        self.activity.added_to_cart(self.actor, product_id, quantity)

    def removed_from_cart(self, product_id: str) -> None:
        self.activity.removed_from_cart(self.actor, product_id)


def track(call: Call[Any, Any]) -> Tracking | None:
    actor = actor_of(call)
    return None if actor is None else Tracking(call.resolve(uc.TrackActivity), actor)


def claim_guest_activity(call: Call[Any, Any], user_id: str) -> None:
    """At login with a cart token: what the guest did becomes the user's."""
    token = call.request.headers.get(CART_HEADER)
    if token and len(token) <= TOKEN_MAX:
        call.resolve(uc.TrackActivity).guest_logged_in(guest_actor(token), user_id)


@attrs.frozen
class ActivityQuery:
    """``kind`` may repeat (any of them); none: every kind."""

    kind: list[ActionKind] | None = None
    limit: int = attrs.field(default=DEFAULT_LIMIT, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class SearchesQuery:
    days: int = attrs.field(default=7, metadata=limits(minimum=1, maximum=90))
    without_results: bool = False
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))


async def get_my_activity(call: Call[None, ActivityQuery]) -> c.ActionPage:
    q = call.query
    kinds = tuple(dict.fromkeys(q.kind or ()))
    return await call.resolve(uc.ShowMyActivity)(c.MyActivity(call.user.user_id, kinds, PageRequest(q.limit, q.cursor)))


async def erase_my_activity(call: Call[None, None]) -> None:
    await call.resolve(uc.EraseShopperActivity)(c.EraseActivity(call.user.user_id))


async def top_searches(call: Call[None, SearchesQuery]) -> c.TopSearchesView:
    q = call.query
    return await call.resolve(uc.ShowTopSearches)(c.TopSearchesQuery(q.days, q.without_results, q.limit))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/me/activity",
        get_my_activity,
        "What the caller did in the shop, newest first",
        tag=TAG,
        query=ActivityQuery,
        response=c.ActionPage,
        description="Views, searches, cart changes, purchases and reviews, as recorded for recommendations "
        "(a view made as a guest with a cart token shows here once that cart's token was sent at login). "
        "What the pages report arrives within seconds.",
    ),
    Endpoint(
        "DELETE",
        "/me/activity",
        erase_my_activity,
        "Erase the caller's activity",
        tag=TAG,
        status=204,
        description="The history and what it taught the recommendations of the caller's tastes are "
        "forgotten, and the personal list with them: until the caller does something new they see the "
        "base feed. Deleting the account does the same.",
    ),
    Endpoint(
        "GET",
        "/activity/searches",
        top_searches,
        "What shoppers searched for lately (and did not find)",
        group=ADMIN,
        tag=TAG,
        query=SearchesQuery,
        response=c.TopSearchesView,
        description="Searches of the last `days` days by text (folded: case and spacing aside), most made "
        "first; `without_results=true` keeps those whose latest search found nothing.",
    ),
]
