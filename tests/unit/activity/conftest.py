"""The activity use cases over the in-memory adapters, wired by hand: the signals' tables, the activity log,
a manual clock, a bus that keeps what was committed, and shelves set by hand ("tent" and "stove" sit in
outdoors > camping > tents / cooking; "ghost" was never published)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from adapters.memory.activity import MemoryActivitySignalsUnitOfWork, SignalsTables
from adapters.memory.activity_log import MemoryActivityLog
from adapters.memory.clock import ManualClock
from core.activity import commands as c
from core.activity import use_cases as uc
from core.activity.model import Action, ActionKind
from core.shared.events import Event, from_envelope
from core.shared.pagination import PageRequest
from ports.activity import SignalsUnitOfWork
from ports.catalog import Shelf
from ports.recommendations import ShopperProfile
from tests.support.events import RecordingEventBus

OUTDOORS, CAMPING, TENTS, COOKING = "cat-outdoors", "cat-camping", "cat-tents", "cat-cooking"
SHELVES = {
    "tent": Shelf((OUTDOORS, CAMPING, TENTS), "Hilltop"),
    "tarp": Shelf((OUTDOORS, CAMPING, TENTS), "Hilltop"),
    "stove": Shelf((OUTDOORS, CAMPING, COOKING), "Blaze"),
    "mug": Shelf((OUTDOORS, CAMPING, COOKING), ""),
}


class FakeShelves:
    """``ports.catalog.ProductShelves`` set by hand; ``asked`` records each read."""

    def __init__(self, shelves: dict[str, Shelf]) -> None:
        self.by_product = dict(shelves)
        self.asked: list[list[str]] = []

    async def shelves(self, product_ids: Sequence[str]) -> dict[str, Shelf]:
        self.asked.append(list(product_ids))
        return {p: self.by_product[p] for p in product_ids if p in self.by_product}


class ActivityApp:
    def __init__(self) -> None:
        self.clock = ManualClock()
        self.bus = RecordingEventBus()
        self.tables = SignalsTables()
        self.log = MemoryActivityLog()
        self.shelves = FakeShelves(SHELVES)
        self.record = uc.RecordActivity(self.log, self.uow, self.shelves, self.clock)
        self.orders = uc.FollowOrders(self.uow, self.record)
        self.claim = uc.ClaimGuest(self.log, self.uow, self.clock)
        self.erase = uc.EraseShopperActivity(self.log, self.uow, self.clock)
        self.signals = uc.SignalsOfShoppers(self.uow)
        self._ids = 0

    def uow(self) -> SignalsUnitOfWork:
        return MemoryActivitySignalsUnitOfWork(self.tables, self.bus)

    def action(self, actor: str, kind: ActionKind, product_id: str | None = None, **facts: object) -> Action:
        """A new action (a fresh id) of ``actor`` now."""
        self._ids += 1
        return Action(
            action_id=f"a{self._ids}",
            actor=actor,
            kind=kind,
            occurred_at=self.clock.now(),
            product_id=product_id,
            **facts,  # type: ignore[arg-type]
        )

    async def do(self, *actions: Action) -> None:
        """Record the actions as one delivery, a second later than the previous one."""
        await self.record(c.RecordActions(actions))
        self.clock.advance(1)

    async def view(self, actor: str, *product_ids: str) -> None:
        for product_id in product_ids:
            await self.do(self.action(actor, ActionKind.VIEWED, product_id))

    async def profile(self, actor: str) -> ShopperProfile:
        return await self.signals.profile(actor)

    async def logged(self, actor: str) -> list[Action]:
        return list((await self.log.of_actor(actor, (), PageRequest(limit=100))).items)

    def since(self) -> date:
        return (self.clock.now() - timedelta(days=30)).date()

    def events(self) -> list[Event]:
        return [from_envelope(envelope) for envelope in self.bus.delivered]


@pytest.fixture
def app() -> ActivityApp:
    return ActivityApp()
