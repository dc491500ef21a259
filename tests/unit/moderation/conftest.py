"""The moderation use cases over the in-memory adapters, wired by hand (clock, ids and bus from ../conftest.py)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.moderation import MemoryModerationUnitOfWork, ModerationTables
from core.moderation import use_cases as uc
from core.moderation.commands import CaseView, OpenCase
from core.moderation.model import Case, Subject, SubmittedAttribute, SubmittedContent
from core.moderation.rules import ModerationPolicy
from core.shared.money import Money
from core.shared.security import Principal, Role
from tests.support.events import RecordingEventBus

SELLER = "seller-1"
OTHER_SELLER = "seller-2"
MODERATOR = Principal("moderator-1", frozenset({Role.CUSTOMER, Role.MODERATOR}))
ADMIN = Principal("admin-1", frozenset({Role.CUSTOMER, Role.ADMIN}))
CUSTOMER = Principal("customer-1", frozenset({Role.CUSTOMER}))

CLEAN = SubmittedContent(
    title="Blue Enamel Mug",
    description="A sturdy enamel mug for camping trips and the office desk, holds 350 ml.",
    brand="Acme",
    category_id="cat-kitchen",
    sku="MUG-1",
    attributes=(SubmittedAttribute("colour", "text", "blue"), SubmittedAttribute("volume_ml", "number", "350")),
    price=Money(1250, "EUR"),
    image_count=1,
)


def content(**changes: Any) -> SubmittedContent:
    """The clean content with some fields changed."""
    return attrs.evolve(CLEAN, **changes)


@attrs.define
class ModerationApp:
    clock: ManualClock
    ids: SequentialIds
    bus: RecordingEventBus
    policy: ModerationPolicy = attrs.Factory(ModerationPolicy)
    tables: ModerationTables = attrs.Factory(ModerationTables)

    def uow(self) -> MemoryModerationUnitOfWork:
        return MemoryModerationUnitOfWork(self.tables, self.bus)

    @property
    def open_case(self) -> uc.OpenModerationCase:
        return uc.OpenModerationCase(self.uow, self.ids, self.clock, self.policy)

    @property
    def list_cases(self) -> uc.ListModerationCases:
        return uc.ListModerationCases(self.uow)

    @property
    def show(self) -> uc.ShowModerationCase:
        return uc.ShowModerationCase(self.uow)

    @property
    def approve(self) -> uc.ApproveCase:
        return uc.ApproveCase(self.uow, self.clock)

    @property
    def reject(self) -> uc.RejectCase:
        return uc.RejectCase(self.uow, self.clock)

    @property
    def withdraw(self) -> uc.WithdrawModerationCase:
        return uc.WithdrawModerationCase(self.uow, self.clock)

    async def submit(
        self,
        submitted: SubmittedContent = CLEAN,
        *,
        product_id: str = "product-1",
        revision: int = 1,
        seller_id: str = SELLER,
    ) -> CaseView | None:
        """What the consumer does with a products.ProductSubmitted."""
        return await self.open_case(OpenCase(Subject("product", product_id, revision, seller_id), submitted))

    async def submitted(self, submitted: SubmittedContent = CLEAN, **kw: Any) -> CaseView:
        view = await self.submit(submitted, **kw)
        assert view is not None
        return view

    async def stored(self, case_id: str) -> Case | None:
        async with self.uow() as uow:
            return await uow.cases.get(case_id)


@pytest.fixture
def moderation(clock: ManualClock, ids: SequentialIds, bus: RecordingEventBus) -> ModerationApp:
    return ModerationApp(clock, ids, bus)
