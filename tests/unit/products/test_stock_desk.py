"""The sagas' stock desk: reserve, release and commit an order's stock through the stock use cases."""

from __future__ import annotations

import pytest

from adapters.memory.clock import ManualClock
from core.products.desk import StockForSagas
from core.shared.errors import Conflict
from ports.checkout import OrderedItem, StockDesk
from tests.support.events import RecordingEventBus

from .test_stock import StockApp


@pytest.fixture
def stock(clock: ManualClock, bus: RecordingEventBus) -> StockApp:
    return StockApp(clock, bus)


def desk(stock: StockApp) -> StockDesk:
    return StockForSagas(stock.reserve, stock.release, stock.commit)


async def test_reserve_holds_every_item_and_a_repeat_says_reserved_again(stock: StockApp) -> None:
    await stock.stocked("lamp", 3)
    await stock.stocked("shade", 1)
    items = [OrderedItem("lamp", 2), OrderedItem("shade", 1)]
    assert await desk(stock).reserve("order-1", items) is True
    assert await desk(stock).reserve("order-1", items) is True
    assert ((await stock.view("lamp")).available, (await stock.view("shade")).available) == (1, 0)


async def test_a_short_item_reserves_nothing(stock: StockApp) -> None:
    await stock.stocked("lamp", 3)
    await stock.stocked("shade", 1)
    assert await desk(stock).reserve("order-1", [OrderedItem("lamp", 1), OrderedItem("shade", 2)]) is False
    assert await desk(stock).reserve("order-1", [OrderedItem("lamp", 1), OrderedItem("shade", 2)]) is False
    assert (await stock.view("lamp")).available == 3


async def test_release_gives_the_units_back_and_is_harmless_repeated_or_for_no_reservation(stock: StockApp) -> None:
    await stock.stocked("lamp", 3)
    await desk(stock).reserve("order-1", [OrderedItem("lamp", 2)])
    await desk(stock).release("order-1")
    await desk(stock).release("order-1")
    await desk(stock).release("order-never-reserved")
    assert (await stock.view("lamp")).available == 3


async def test_commit_takes_the_units_off_hand_once(stock: StockApp) -> None:
    await stock.stocked("lamp", 3)
    await desk(stock).reserve("order-1", [OrderedItem("lamp", 2)])
    await desk(stock).commit("order-1")
    await desk(stock).commit("order-1")
    view = await stock.view("lamp")
    assert (view.on_hand, view.available) == (1, 1)
    assert await desk(stock).reserve("order-1", [OrderedItem("lamp", 2)]) is True  # shipped: it was reserved
    with pytest.raises(Conflict):
        await desk(stock).release("order-1")  # the units have left
