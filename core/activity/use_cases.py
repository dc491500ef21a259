"""Activity use cases: the HTTP layer's fire-and-forget tracking, the activity worker's recording (the
log and the signals), a guest's activity claimed at login, a user's history and its erasure, and the
signals as the recommendations context reads them (``ports.recommendations.ShopperSignals``).

Idempotency: the log keeps one document per action id, and the signals count an action only if
``claim`` finds it new in the same transaction, so a redelivered event (or an order's confirmation
handled twice) is counted once. The log is written first: a failure after it is redelivered, and the
second pass writes the same documents again and skips the counts already committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import attrs

from core.activity import commands as c
from core.activity.events import (
    CartItemAdded,
    CartItemRemoved,
    GuestActivityClaimed,
    ProductViewed,
    SearchMade,
)
from core.activity.model import (
    CO_PURCHASE_WINDOW,
    CO_VIEW_WINDOW,
    QUERY_MAX,
    Action,
    ActionKind,
    Dimension,
    PairKind,
    Shopper,
)
from core.shared.pagination import Page
from ports.activity import ActivityLog, ActivityStream, SignalRepository, SignalsUnitOfWork
from ports.catalog import ProductShelves, Shelf
from ports.recommendations import Ranked, ShopperProfile
from ports.shared import Clock, UnitOfWorkFactory

# An ancestor category says less of a taste than the category itself.
ANCESTOR_SHARE = 0.5


class TrackActivity:
    """What the shop's pages report of shoppers, sent on without waiting (``ports.activity.ActivityStream``):
    the request that reports it answers as fast as without it."""

    def __init__(self, stream: ActivityStream, clock: Clock) -> None:
        self.stream, self.clock = stream, clock

    def viewed(self, actor: str, product_id: str) -> None:
        self.stream.send(ProductViewed(actor=actor, product_id=product_id, occurred_at=self.clock.now()))

    def searched(self, actor: str, query: str, filters: Sequence[tuple[str, str]], results: int) -> None:
        pairs = [[name, value] for name, value in filters]
        event = SearchMade(
            actor=actor, query=query[:QUERY_MAX], filters=pairs, results=results, occurred_at=self.clock.now()
        )
        self.stream.send(event)

    def added_to_cart(self, actor: str, product_id: str, quantity: int) -> None:
        event = CartItemAdded(actor=actor, product_id=product_id, quantity=quantity, occurred_at=self.clock.now())
        self.stream.send(event)

    def removed_from_cart(self, actor: str, product_id: str) -> None:
        self.stream.send(CartItemRemoved(actor=actor, product_id=product_id, occurred_at=self.clock.now()))

    def guest_logged_in(self, guest: str, user_id: str) -> None:
        self.stream.send(GuestActivityClaimed(actor=guest, user_id=user_id, occurred_at=self.clock.now()))


class RecordActivity:
    """The activity worker: each action to the log, and what it says to the signals."""

    def __init__(
        self, log: ActivityLog, uow: UnitOfWorkFactory[SignalsUnitOfWork], shelves: ProductShelves, clock: Clock
    ) -> None:
        self.log, self.uow, self.shelves, self.clock = log, uow, shelves, clock

    async def __call__(self, command: c.RecordActions) -> None:
        if not command.actions:
            return
        products = sorted({a.product_id for a in command.actions if a.product_id is not None})
        shelves = await self.shelves.shelves(products) if products else {}
        actions = [_shelved(action, shelves) for action in command.actions]
        await self.log.record(actions)
        async with self.uow() as uow:
            signals = uow.signals
            shopper: Shopper | None = None
            bought_here: list[str] = []
            for action in actions:
                if action.kind is ActionKind.SEARCHED or action.product_id is None:
                    continue
                if not await signals.claim(action.action_id):
                    continue
                shopper = shopper or signals.shopper(action.actor)
                await _count(signals, action, shelves.get(action.product_id), bought_here)
            if shopper is None:
                return  # nothing new: a redelivery, or searches only
            shopper.signals_changed(self.clock.now())
            await uow.commit()


def _shelved(action: Action, shelves: dict[str, Shelf]) -> Action:
    """The action with the shelf of its product as the catalogue places it now (for the log's analytics)."""
    shelf = shelves.get(action.product_id or "")
    if shelf is None:
        return action
    return attrs.evolve(action, category_path=shelf.category_path, brand=shelf.brand)


async def _count(signals: SignalRepository, action: Action, shelf: Shelf | None, bought_here: list[str]) -> None:
    """What one new action adds to the signals. ``bought_here`` gathers the lines of one order already
    counted, so each pair of its products is counted once."""
    product_id, actor, kind = action.product_id or "", action.actor, action.kind
    if kind is ActionKind.VIEWED:
        latest = await signals.recent_products(actor, kind, CO_VIEW_WINDOW + 1)
        seen = [p for p in latest if p != product_id][:CO_VIEW_WINDOW]
        await signals.add_pairs(PairKind.VIEWED, product_id, seen)
    elif kind is ActionKind.PURCHASED:
        earlier = await signals.recent_products(actor, kind, CO_PURCHASE_WINDOW)
        together = [p for p in dict.fromkeys([*earlier, *bought_here]) if p != product_id]
        await signals.add_pairs(PairKind.BOUGHT, product_id, together)
        bought_here.append(product_id)
    if kind is not ActionKind.REVIEWED:
        await signals.add_interest(actor, product_id, kind, action.occurred_at)
    if shelf is None:
        return  # never published: nothing to say of a taste or of the shop's figures
    weight = action.taste_weight
    if weight:
        for depth, category_id in enumerate(reversed(shelf.category_path)):
            await signals.add_taste(actor, Dimension.CATEGORY, category_id, weight * (ANCESTOR_SHARE if depth else 1.0))
        if shelf.brand:
            await signals.add_taste(actor, Dimension.BRAND, shelf.brand, weight)
    views = 1 if kind is ActionKind.VIEWED else 0
    units = (action.quantity or 1) if kind is ActionKind.PURCHASED else 0
    if views or units:
        day = action.occurred_at.date()
        await signals.add_product_day(product_id, day, shelf.category_path, shelf.brand, views, units)


class FollowOrders:
    """Only a paid order's lines are purchases. Its placement (the lines) and its payment may reach the
    activity worker in either order (in one process a saga pays the order before the other consumers of
    its placement have run), so each is remembered, and the lines are counted when both are known: by
    whichever came second, or by both when they are handled side by side (the claims count them once)."""

    def __init__(self, uow: UnitOfWorkFactory[SignalsUnitOfWork], record: RecordActivity) -> None:
        self.uow, self.record = uow, record

    async def placed(self, command: c.RememberOrder) -> None:
        async with self.uow() as uow:
            await uow.signals.remember_order(command.order_id, command.customer_id, command.lines)
            await uow.commit()
        await self._count(command.order_id)

    async def paid(self, command: c.RememberPayment) -> None:
        async with self.uow() as uow:
            await uow.signals.remember_payment(command.order_id, command.event_id, command.paid_at)
            await uow.commit()
        await self._count(command.order_id)

    async def _count(self, order_id: str) -> None:
        async with self.uow() as uow:
            order = await uow.signals.order(order_id)
        if order is None or order.customer_id is None or order.paid_by is None or order.paid_at is None:
            return  # not both known yet (or the customer erased their activity)
        actions = tuple(
            Action(
                action_id=f"{order.paid_by}:{product_id}",
                actor=order.customer_id,
                kind=ActionKind.PURCHASED,
                occurred_at=order.paid_at,
                product_id=product_id,
                quantity=quantity,
            )
            for product_id, quantity in order.lines
        )
        await self.record(c.RecordActions(actions))


class ClaimGuest:
    """At login, what the guest did becomes the user's: in the log and in the signals."""

    def __init__(self, log: ActivityLog, uow: UnitOfWorkFactory[SignalsUnitOfWork], clock: Clock) -> None:
        self.log, self.uow, self.clock = log, uow, clock

    async def __call__(self, command: c.ClaimGuestActivity) -> None:
        await self.log.reassign(command.guest, command.user_id)
        async with self.uow() as uow:
            if not await uow.signals.claim(command.claim_id):
                return
            await uow.signals.reassign(command.guest, command.user_id)
            uow.signals.shopper(command.user_id).signals_changed(self.clock.now())
            await uow.commit()


class EraseShopperActivity:
    """The user's activity is forgotten: their log and their own signals (counts over many shoppers keep
    no trace of who made them and stay); their personal list follows ``ActivityErased``."""

    def __init__(self, log: ActivityLog, uow: UnitOfWorkFactory[SignalsUnitOfWork], clock: Clock) -> None:
        self.log, self.uow, self.clock = log, uow, clock

    async def __call__(self, command: c.EraseActivity) -> None:
        async with self.uow() as uow:
            await uow.signals.erase(command.user_id)
            uow.signals.shopper(command.user_id).erased(self.clock.now())
            await uow.commit()
        await self.log.erase(command.user_id)


class ShowMyActivity:
    def __init__(self, log: ActivityLog) -> None:
        self.log = log

    async def __call__(self, command: c.MyActivity) -> c.ActionPage:
        page: Page[Action] = await self.log.of_actor(command.user_id, command.kinds, command.page)
        items = [
            c.ActionView(a.action_id, a.kind, a.occurred_at, a.product_id, a.quantity, a.rating, a.query, a.results)
            for a in page.items
        ]
        return c.ActionPage(items, page.next_cursor)


class ShowTopSearches:
    """What shoppers look for (and do not find) lately: the admins' view of the search log."""

    def __init__(self, log: ActivityLog, clock: Clock) -> None:
        self.log, self.clock = log, clock

    async def __call__(self, command: c.TopSearchesQuery) -> c.TopSearchesView:
        since = self.clock.now() - timedelta(days=command.days)
        found = await self.log.top_searches(since, command.without_results, command.limit)
        return c.TopSearchesView(since, [c.SearchCountView(s.query, s.searches, s.results) for s in found])


class SignalsOfShoppers:
    """``ports.recommendations.ShopperSignals``: the signals as the recommendations context reads them."""

    def __init__(self, uow: UnitOfWorkFactory[SignalsUnitOfWork]) -> None:
        self.uow = uow

    async def profile(self, user_id: str) -> ShopperProfile:
        async with self.uow() as uow:
            return await uow.signals.profile(user_id)

    async def bought_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        return await self._neighbours(PairKind.BOUGHT, product_ids, limit)

    async def viewed_with(self, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        return await self._neighbours(PairKind.VIEWED, product_ids, limit)

    async def _neighbours(self, kind: PairKind, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        if not product_ids:
            return []
        async with self.uow() as uow:
            return await uow.signals.neighbours(kind, list(dict.fromkeys(product_ids)), limit)

    async def best_sellers(self, since: date, category_id: str | None, brand: str | None, limit: int) -> list[Ranked]:
        async with self.uow() as uow:
            return await uow.signals.top_products(since, "units", category_id, brand, limit)

    async def most_viewed(self, since: date, category_id: str | None, limit: int) -> list[Ranked]:
        async with self.uow() as uow:
            return await uow.signals.top_products(since, "views", category_id, None, limit)

    async def active_categories(self, since: date, limit: int) -> list[str]:
        async with self.uow() as uow:
            return await uow.signals.active_categories(since, limit)
