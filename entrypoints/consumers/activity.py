"""The activity context's consumers (the seed's User Activity Worker): what the pages reported, orders
placed and paid, reviews published, a guest's activity claimed at login and accounts deleted, each to the
activity log and the signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.activity import commands as c
from core.activity import use_cases as uc
from core.activity.events import CartItemAdded, CartItemRemoved, GuestActivityClaimed, ProductViewed, SearchMade
from core.activity.model import Action, ActionKind
from core.auth.events import AccountDeleted
from core.orders.events import OrderConfirmed, OrderPlaced
from core.reviews.events import ReviewPublished
from core.shared.events import Event
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "activity"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def record(event: Event, actor: str, kind: ActionKind, **facts: Any) -> None:
        """The event as one action of ``actor`` (named by the event's id), to the log and the signals."""
        action = Action(action_id=event.event_id, actor=actor, kind=kind, occurred_at=event.occurred_at, **facts)
        await runtime.resolve(uc.RecordActivity)(c.RecordActions((action,)))

    async def on_viewed(event: ProductViewed) -> None:
        await record(event, event.actor, ActionKind.VIEWED, product_id=event.product_id)

    async def on_searched(event: SearchMade) -> None:
        filters = tuple((name, value) for name, value in event.filters)
        await record(event, event.actor, ActionKind.SEARCHED, query=event.query, filters=filters, results=event.results)

    async def on_added(event: CartItemAdded) -> None:
        await record(event, event.actor, ActionKind.ADDED_TO_CART, product_id=event.product_id, quantity=event.quantity)

    async def on_removed(event: CartItemRemoved) -> None:
        await record(event, event.actor, ActionKind.REMOVED_FROM_CART, product_id=event.product_id)

    async def on_reviewed(event: ReviewPublished) -> None:
        if event.revision > 1:
            return  # an edit: the first publication said what the review says of the shopper's taste
        await record(event, event.author_id, ActionKind.REVIEWED, product_id=event.product_id, rating=event.rating)

    async def on_placed(event: OrderPlaced) -> None:
        lines = tuple((line.product_id, line.quantity) for line in event.lines)
        await runtime.resolve(uc.FollowOrders).placed(c.RememberOrder(event.order_id, event.customer_id, lines))

    async def on_confirmed(event: OrderConfirmed) -> None:
        payment = c.RememberPayment(event.event_id, event.order_id, event.occurred_at)
        await runtime.resolve(uc.FollowOrders).paid(payment)

    async def on_claimed(event: GuestActivityClaimed) -> None:
        await runtime.resolve(uc.ClaimGuest)(c.ClaimGuestActivity(event.event_id, event.actor, event.user_id))

    async def on_deleted(event: AccountDeleted) -> None:
        await runtime.resolve(uc.EraseShopperActivity)(c.EraseActivity(event.user_id))

    bus.subscribe(GROUP, ProductViewed, idempotent(GROUP, inbox, on_viewed))
    bus.subscribe(GROUP, SearchMade, idempotent(GROUP, inbox, on_searched))
    bus.subscribe(GROUP, CartItemAdded, idempotent(GROUP, inbox, on_added))
    bus.subscribe(GROUP, CartItemRemoved, idempotent(GROUP, inbox, on_removed))
    bus.subscribe(GROUP, ReviewPublished, idempotent(GROUP, inbox, on_reviewed))
    bus.subscribe(GROUP, OrderPlaced, idempotent(GROUP, inbox, on_placed))
    bus.subscribe(GROUP, OrderConfirmed, idempotent(GROUP, inbox, on_confirmed))
    bus.subscribe(GROUP, GuestActivityClaimed, idempotent(GROUP, inbox, on_claimed))
    bus.subscribe(GROUP, AccountDeleted, idempotent(GROUP, inbox, on_deleted))
