"""The orders use cases over the in-memory adapters and hand-set fakes of the other contexts."""

from __future__ import annotations

import attrs
import pytest

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.orders import MemoryOrdersUnitOfWork, OrdersTables
from core.orders import use_cases as uc
from core.orders.commands import OrderView, PlaceOrder
from core.orders.desk import OrdersForSagas
from core.orders.model import Order
from core.shared.money import Money
from core.shared.security import Principal, Role
from tests.support.events import RecordingEventBus

from .fakes import FakeAddressBook, FakeCarts, FakeCatalog

ANN = Principal("user-ann", frozenset({Role.CUSTOMER}), "s-ann")
BOB = Principal("user-bob", frozenset({Role.CUSTOMER}), "s-bob")
POTTER = Principal("seller-potter", frozenset({Role.CUSTOMER, Role.SELLER}), "s-potter")
WEAVER = Principal("seller-weaver", frozenset({Role.CUSTOMER, Role.SELLER}), "s-weaver")
ADMIN = Principal("user-admin", frozenset({Role.ADMIN}), "s-admin")
RETURN_WINDOW_DAYS = 14
HOME = "address-home"


def eur(amount: int) -> Money:
    return Money(amount, "EUR")


@attrs.define
class OrdersApp:
    clock: ManualClock
    ids: SequentialIds
    bus: RecordingEventBus
    tables: OrdersTables = attrs.Factory(OrdersTables)
    catalog: FakeCatalog = attrs.Factory(FakeCatalog)
    carts: FakeCarts = attrs.Factory(FakeCarts)
    addresses: FakeAddressBook = attrs.Factory(FakeAddressBook)

    def uow(self) -> MemoryOrdersUnitOfWork:
        return MemoryOrdersUnitOfWork(self.tables, self.bus)

    @property
    def checkout(self) -> uc.Checkout:
        return uc.Checkout(self.uow, self.carts, self.catalog, self.addresses, self.ids, self.clock)

    @property
    def list_mine(self) -> uc.ListMyOrders:
        return uc.ListMyOrders(self.uow)

    @property
    def show(self) -> uc.ShowMyOrder:
        return uc.ShowMyOrder(self.uow)

    @property
    def cancel(self) -> uc.CancelMyOrder:
        return uc.CancelMyOrder(self.uow, self.clock)

    @property
    def request_return(self) -> uc.RequestReturn:
        return uc.RequestReturn(self.uow, self.clock, RETURN_WINDOW_DAYS)

    @property
    def seller_orders(self) -> uc.ListSellerOrders:
        return uc.ListSellerOrders(self.uow)

    @property
    def mark_ready(self) -> uc.MarkLinesReady:
        return uc.MarkLinesReady(self.uow, self.clock)

    @property
    def list_all(self) -> uc.ListOrders:
        return uc.ListOrders(self.uow)

    @property
    def desk(self) -> OrdersForSagas:
        return OrdersForSagas(self.uow, self.clock)

    # Shortcuts for the set-up of a test.
    def shop(self) -> None:
        """Two sellers' products in EUR, and one in USD."""
        self.catalog.publish("blue-teapot", eur(2500), 5, seller_id=POTTER.user_id)
        self.catalog.publish("green-mug", eur(900), 20, seller_id=POTTER.user_id)
        self.catalog.publish("wool-scarf", eur(4000), 3, seller_id=WEAVER.user_id)
        self.catalog.publish("cowboy-hat", Money(5000, "USD"), 3, seller_id=WEAVER.user_id)

    async def placed(self, principal: Principal = ANN, key: str = "key-1", **cart: int) -> OrderView:
        """An order of ``cart`` (product id with _ for -: quantity); a teapot by default."""
        if (principal.user_id, HOME) not in self.addresses.books:
            self.addresses.add(principal.user_id, HOME)
        self.carts.carts[principal.user_id] = {p.replace("_", "-"): q for p, q in (cart or {"blue_teapot": 1}).items()}
        result = await self.checkout(PlaceOrder(principal, key, HOME, "tok_visa"))
        return result.order

    async def paid(self, principal: Principal = ANN, key: str = "key-1", **cart: int) -> OrderView:
        order = await self.placed(principal, key, **cart)
        await self.desk.await_payment(order.order_id)
        await self.desk.confirm(order.order_id)
        return order

    async def delivered(self, principal: Principal = ANN, key: str = "key-1", **cart: int) -> OrderView:
        order = await self.paid(principal, key, **cart)
        await self.desk.mark_shipped(order.order_id)
        await self.desk.mark_delivered(order.order_id)
        return order

    async def stored(self, order_id: str) -> Order | None:
        async with self.uow() as uow:
            return await uow.orders.get(order_id)


@pytest.fixture
def orders(clock: ManualClock, ids: SequentialIds, bus: RecordingEventBus) -> OrdersApp:
    app = OrdersApp(clock, ids, bus)
    app.shop()
    return app
