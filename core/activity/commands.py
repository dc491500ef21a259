"""Commands and views of the activity context."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.activity.model import Action, ActionKind
from core.shared.pagination import PageRequest


@attrs.frozen
class RecordActions:
    """Actions of one actor to log and to count (an order's lines are several actions)."""

    actions: tuple[Action, ...]


@attrs.frozen
class RememberOrder:
    order_id: str
    customer_id: str
    lines: tuple[tuple[str, int], ...]  # (product id, quantity)


@attrs.frozen
class RememberPayment:
    """The order was paid: its lines are purchases (``event_id`` names them, so a redelivery is one)."""

    event_id: str
    order_id: str
    paid_at: datetime


@attrs.frozen
class ClaimGuestActivity:
    claim_id: str
    guest: str
    user_id: str


@attrs.frozen
class EraseActivity:
    user_id: str


@attrs.frozen
class MyActivity:
    user_id: str
    kinds: tuple[ActionKind, ...]
    page: PageRequest


@attrs.frozen
class TopSearchesQuery:
    days: int
    without_results: bool
    limit: int


@attrs.frozen
class ActionView:
    """One thing the user did, as they see it in their history."""

    action_id: str
    kind: ActionKind
    occurred_at: datetime
    product_id: str | None
    quantity: int | None
    rating: int | None
    query: str | None
    results: int | None


@attrs.frozen
class ActionPage:
    items: list[ActionView]
    next_cursor: str | None


@attrs.frozen
class SearchCountView:
    query: str
    searches: int
    results: int


@attrs.frozen
class TopSearchesView:
    since: datetime
    items: list[SearchCountView]
