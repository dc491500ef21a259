"""The sellers use cases over the in-memory adapters, wired by hand (as tests/unit/harness.py does for auth)."""

from __future__ import annotations

import attrs
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.sellers import MemorySellersUnitOfWork, SellersTables
from core.sellers import use_cases as uc
from core.sellers.commands import ApplicationView, Apply, ListProduct, Verify
from core.sellers.model import Seller
from core.shared.security import Principal, Role
from tests.support.events import RecordingEventBus
from tests.support.fake_ratings import FakeRatings

ADMIN = Principal("00000000-0000-7000-8000-0000000000ad", frozenset({Role.CUSTOMER, Role.ADMIN}), "s-admin")
ANN = Principal("00000000-0000-7000-8000-000000000a22", frozenset({Role.CUSTOMER}), "s-ann")
BOB = Principal("00000000-0000-7000-8000-000000000b0b", frozenset({Role.CUSTOMER}), "s-bob")


def as_seller(principal: Principal) -> Principal:
    """The same user once the auth context granted the seller role."""
    return attrs.evolve(principal, roles=principal.roles | {Role.SELLER})


def application(principal: Principal = ANN, **overrides: str) -> Apply:
    values = {
        "legal_name": "Ann's Lamps GmbH",
        "display_name": "Ann's Lamps",
        "country": "DE",
        "payout_reference": "acct_123",
    }
    values.update(overrides)
    return Apply(principal, **values)


@attrs.define
class SellersApp:
    clock: ManualClock
    bus: RecordingEventBus
    tables: SellersTables = attrs.Factory(SellersTables)
    ratings: FakeRatings = attrs.Factory(FakeRatings)

    def uow(self) -> MemorySellersUnitOfWork:
        return MemorySellersUnitOfWork(self.tables, self.bus)

    @property
    def apply(self) -> uc.ApplyAsSeller:
        return uc.ApplyAsSeller(self.uow, self.clock)

    @property
    def my_application(self) -> uc.ShowMyApplication:
        return uc.ShowMyApplication(self.uow)

    @property
    def storefront(self) -> uc.ShowStorefront:
        return uc.ShowStorefront(self.uow, self.ratings)

    @property
    def my_storefront(self) -> uc.ShowMyStorefront:
        return uc.ShowMyStorefront(self.uow, self.ratings)

    @property
    def edit_storefront(self) -> uc.EditMyStorefront:
        return uc.EditMyStorefront(self.uow, self.clock, self.ratings)

    @property
    def list_sellers(self) -> uc.ListSellerAccounts:
        return uc.ListSellerAccounts(self.uow)

    @property
    def verify(self) -> uc.VerifySeller:
        return uc.VerifySeller(self.uow, self.clock)

    @property
    def reject(self) -> uc.RejectSeller:
        return uc.RejectSeller(self.uow, self.clock)

    @property
    def suspend(self) -> uc.SuspendSeller:
        return uc.SuspendSeller(self.uow, self.clock)

    @property
    def reinstate(self) -> uc.ReinstateSeller:
        return uc.ReinstateSeller(self.uow, self.clock)

    @property
    def record_listing(self) -> uc.RecordListing:
        return uc.RecordListing(self.uow)

    @property
    def remove_listing(self) -> uc.RemoveListing:
        return uc.RemoveListing(self.uow)

    # Shortcuts for the set-up of a test.
    async def applied(self, principal: Principal = ANN, **overrides: str) -> ApplicationView:
        return await self.apply(application(principal, **overrides))

    async def verified(self, principal: Principal = ANN, **overrides: str) -> Principal:
        """An applicant an admin verified, with the seller role the auth context then grants."""
        await self.applied(principal, **overrides)
        await self.verify(Verify(ADMIN, principal.user_id))
        return as_seller(principal)

    async def list_products(self, seller_id: str, *product_ids: str) -> None:
        for product_id in product_ids:
            await self.record_listing(ListProduct(seller_id, product_id))

    async def stored(self, seller_id: str) -> Seller | None:
        async with self.uow() as uow:
            return await uow.sellers.get(seller_id)


@pytest.fixture
def sellers(clock: ManualClock, bus: RecordingEventBus) -> SellersApp:
    return SellersApp(clock, bus)
