"""A seller sets and reads the stock of their own products; the catalogue reads stock levels.

The stock use cases run over the in-memory adapters, wired by hand, with a small fake of the product
cards' ``ProductOwnership``. ``StockApp`` and the fixtures here serve the other test_stock modules too.
"""

from __future__ import annotations

import asyncio

import attrs
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.stock import MemoryStockLevels, MemoryStockUnitOfWork, StockTables
from core.products import commands as c
from core.products import use_cases as uc
from core.products.events import StockChanged, StockLine
from core.products.stock import MAX_ON_HAND, StockItem
from core.shared.errors import Conflict, NotFound, ValidationFailed
from core.shared.security import Principal, Role
from tests.support.events import RecordingEventBus

from ..harness import Published

SELLER = Principal("seller-ann", frozenset({Role.CUSTOMER, Role.SELLER}), "session-ann")
OTHER_SELLER = Principal("seller-bob", frozenset({Role.CUSTOMER, Role.SELLER}), "session-bob")


class FakeOwnership:
    """``ports.catalog.ProductOwnership``: who owns which product, set by hand."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    async def owner_of(self, product_id: str) -> str | None:
        await asyncio.sleep(0)  # a real adapter awaits its store: let other tasks run meanwhile
        return self.owners.get(product_id)


@attrs.define
class StockApp:
    clock: ManualClock
    bus: RecordingEventBus
    products: FakeOwnership = attrs.Factory(FakeOwnership)
    tables: StockTables = attrs.Factory(StockTables)

    def uow(self) -> MemoryStockUnitOfWork:
        return MemoryStockUnitOfWork(self.tables, self.bus)

    @property
    def show(self) -> uc.ShowStock:
        return uc.ShowStock(self.uow, self.products)

    @property
    def set_stock(self) -> uc.SetStock:
        return uc.SetStock(self.uow, self.products, self.clock)

    @property
    def reserve(self) -> uc.ReserveStock:
        return uc.ReserveStock(self.uow, self.clock)

    @property
    def release(self) -> uc.ReleaseStock:
        return uc.ReleaseStock(self.uow, self.clock)

    @property
    def commit(self) -> uc.CommitStock:
        return uc.CommitStock(self.uow, self.clock)

    @property
    def levels(self) -> MemoryStockLevels:
        return MemoryStockLevels(self.tables)

    def listed(self, product_id: str, seller: Principal = SELLER) -> str:
        """A product card of ``seller`` (whatever its status: stock does not care)."""
        self.products.owners[product_id] = seller.user_id
        return product_id

    async def stocked(self, product_id: str, quantity: int, seller: Principal = SELLER) -> str:
        self.listed(product_id, seller)
        await self.set_stock(c.SetOnHand(seller, product_id, quantity))
        return product_id

    async def reserve_lines(self, order_id: str, *lines: tuple[str, int]) -> c.ReservationView:
        return await self.reserve(c.ReserveForOrder(order_id, [StockLine(p, q) for p, q in lines]))

    async def view(self, product_id: str, seller: Principal = SELLER) -> c.StockView:
        return await self.show(c.GetStock(seller, product_id))

    async def stored(self, product_id: str) -> StockItem | None:
        async with self.uow() as uow:
            return await uow.stock.get(product_id)


@pytest.fixture
def stock(clock: ManualClock, bus: RecordingEventBus) -> StockApp:
    return StockApp(clock, bus)


def changes(published: Published) -> list[tuple[str, int]]:
    return [(e.product_id, e.available) for e in published.of(StockChanged)]


# --- setting and reading ----------------------------------------------------------------------------------


async def test_a_seller_sets_the_stock_of_their_product_and_reads_it_back(
    stock: StockApp, published: Published
) -> None:
    product = stock.listed("product-1")

    view = await stock.set_stock(c.SetOnHand(SELLER, product, 12))

    assert view == c.StockView(product, on_hand=12, reserved=0, available=12)
    assert await stock.view(product) == view
    assert changes(published) == [(product, 12)]
    item = await stock.stored(product)
    assert item is not None
    assert (item.seller_id, item.updated_at) == (SELLER.user_id, stock.clock.now())


async def test_a_product_whose_stock_was_never_set_has_none(stock: StockApp) -> None:
    product = stock.listed("product-1")

    assert await stock.view(product) == c.StockView(product, on_hand=0, reserved=0, available=0)


async def test_setting_the_stock_again_replaces_it(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 12)
    stock.clock.advance(60)

    view = await stock.set_stock(c.SetOnHand(SELLER, product, 3))

    assert view == c.StockView(product, on_hand=3, reserved=0, available=3)
    assert changes(published) == [(product, 12), (product, 3)]
    item = await stock.stored(product)
    assert item is not None
    assert item.updated_at == stock.clock.now()


async def test_setting_the_same_quantity_changes_nothing(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 12)
    published.clear()

    assert await stock.set_stock(c.SetOnHand(SELLER, product, 12)) == c.StockView(product, 12, 0, 12)

    assert published.types() == []


async def test_zero_and_the_maximum_are_allowed(stock: StockApp) -> None:
    product = stock.listed("product-1")

    assert (await stock.set_stock(c.SetOnHand(SELLER, product, MAX_ON_HAND))).on_hand == MAX_ON_HAND
    assert (await stock.set_stock(c.SetOnHand(SELLER, product, 0))).on_hand == 0


@pytest.mark.parametrize("quantity", [-1, MAX_ON_HAND + 1])
async def test_a_quantity_out_of_range_is_refused_naming_the_field(
    stock: StockApp, published: Published, quantity: int
) -> None:
    product = await stock.stocked("product-1", 7)
    published.clear()

    with pytest.raises(ValidationFailed) as refused:
        await stock.set_stock(c.SetOnHand(SELLER, product, quantity))

    assert [e.field for e in refused.value.errors] == ["quantity"]
    assert await stock.view(product) == c.StockView(product, 7, 0, 7)
    assert published.types() == []


async def test_another_sellers_product_is_not_found(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-of-bob", 5, seller=OTHER_SELLER)
    published.clear()

    with pytest.raises(NotFound) as reading:
        await stock.view(product, seller=SELLER)
    with pytest.raises(NotFound) as setting:
        await stock.set_stock(c.SetOnHand(SELLER, product, 100))

    # Exactly what a product that does not exist gets: the id reveals nothing.
    with pytest.raises(NotFound) as missing:
        await stock.view("no-such-product", seller=SELLER)
    assert str(reading.value) == str(setting.value) == str(missing.value)
    assert await stock.view(product, seller=OTHER_SELLER) == c.StockView(product, 5, 0, 5)
    assert published.types() == []


async def test_an_unknown_product_gets_no_stock(stock: StockApp) -> None:
    with pytest.raises(NotFound):
        await stock.set_stock(c.SetOnHand(SELLER, "no-such-product", 5))

    assert await stock.stored("no-such-product") is None


# --- stock and reservations ----------------------------------------------------------------------------


async def test_reserved_units_show_in_the_sellers_view(stock: StockApp) -> None:
    product = await stock.stocked("product-1", 10)

    await stock.reserve_lines("order-1", (product, 3))
    await stock.reserve_lines("order-2", (product, 4))

    assert await stock.view(product) == c.StockView(product, on_hand=10, reserved=7, available=3)


async def test_the_stock_cannot_be_set_below_what_orders_hold(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 10)
    await stock.reserve_lines("order-1", (product, 6))
    published.clear()

    with pytest.raises(Conflict):
        await stock.set_stock(c.SetOnHand(SELLER, product, 5))

    assert await stock.view(product) == c.StockView(product, 10, 6, 4)
    assert published.types() == []
    # Down to exactly what is held is fine: nothing is left to sell.
    assert await stock.set_stock(c.SetOnHand(SELLER, product, 6)) == c.StockView(product, 6, 6, 0)
    assert changes(published) == [(product, 0)]


async def test_more_stock_while_units_are_held_is_available_at_once(stock: StockApp, published: Published) -> None:
    product = await stock.stocked("product-1", 2)
    await stock.reserve_lines("order-1", (product, 2))
    published.clear()

    view = await stock.set_stock(c.SetOnHand(SELLER, product, 9))

    assert view == c.StockView(product, on_hand=9, reserved=2, available=7)
    assert changes(published) == [(product, 7)]


# --- stock levels (ports.catalog.StockLevels) -----------------------------------------------------------


async def test_stock_levels_give_what_can_still_be_sold_and_zero_for_unknown_products(stock: StockApp) -> None:
    a = await stock.stocked("product-a", 10)
    b = await stock.stocked("product-b", 4, seller=OTHER_SELLER)
    await stock.reserve_lines("order-1", (a, 3), (b, 4))

    levels = await stock.levels.available([a, b, "never-stocked", a])

    assert levels == {a: 7, b: 0, "never-stocked": 0}
    assert await stock.levels.available([]) == {}


async def test_stock_levels_see_only_committed_changes(stock: StockApp) -> None:
    product = await stock.stocked("product-1", 10)

    async with stock.uow() as uow:
        [item] = (await uow.stock.lock([product])).values()
        item.set_on_hand(1, stock.clock.now())
        await uow.stock.update(item)
        assert await stock.levels.available([product]) == {product: 10}
        # Left without commit: rolled back.

    assert await stock.levels.available([product]) == {product: 10}
