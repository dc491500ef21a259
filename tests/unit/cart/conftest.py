"""The cart use cases over the in-memory cart store and a hand-set catalogue, wired by hand."""

from __future__ import annotations

import attrs
import pytest

from adapters.memory.cart import MemoryCartStore
from adapters.memory.clock import ManualClock
from adapters.system import SecureTokens
from core.cart import use_cases as uc
from core.cart.commands import AddToCart, CartView, Shopper, StartGuestCart, ViewCart
from core.shared.money import Money
from core.shared.security import Principal, Role
from tests.unit.harness import Monotonic

from .fakes import FakeCatalog

GUEST_TTL = 3600
ANN = Principal("user-ann", frozenset({Role.CUSTOMER}), "session-ann")
BOB = Principal("user-bob", frozenset({Role.CUSTOMER}), "session-bob")


def eur(amount: int) -> Money:
    return Money(amount, "EUR")


@attrs.define
class CartApp:
    clock: ManualClock
    monotonic: Monotonic
    catalog: FakeCatalog = attrs.Factory(FakeCatalog)
    tokens: SecureTokens = attrs.Factory(SecureTokens)
    store: MemoryCartStore = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.store = MemoryCartStore(GUEST_TTL, monotonic=self.monotonic)

    @property
    def start(self) -> uc.StartCart:
        return uc.StartCart(self.store, self.tokens, self.clock)

    @property
    def show(self) -> uc.ShowCart:
        return uc.ShowCart(self.store, self.catalog)

    @property
    def add(self) -> uc.AddItem:
        return uc.AddItem(self.store, self.catalog, self.clock)

    @property
    def change(self) -> uc.ChangeItemQuantity:
        return uc.ChangeItemQuantity(self.store, self.catalog, self.clock)

    @property
    def remove(self) -> uc.RemoveItem:
        return uc.RemoveItem(self.store, self.clock)

    @property
    def clear(self) -> uc.EmptyCart:
        return uc.EmptyCart(self.store, self.clock)

    @property
    def merge(self) -> uc.MergeGuestCart:
        return uc.MergeGuestCart(self.store, self.clock)

    # Shortcuts for the set-up of a test.
    async def guest(self) -> Shopper:
        return Shopper(cart_token=(await self.start(StartGuestCart())).cart_token)

    async def put(self, shopper: Shopper, product_id: str, quantity: int = 1) -> CartView:
        return await self.add(AddToCart(shopper, product_id, quantity))

    async def view(self, shopper: Shopper) -> CartView:
        return await self.show(ViewCart(shopper))

    async def quantities(self, shopper: Shopper) -> dict[str, int]:
        return {line.product_id: line.quantity for line in (await self.view(shopper)).lines}


@pytest.fixture
def cart(clock: ManualClock, monotonic: Monotonic) -> CartApp:
    return CartApp(clock, monotonic)


@pytest.fixture
def ann() -> Shopper:
    return Shopper(principal=ANN)
