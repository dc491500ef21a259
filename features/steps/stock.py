"""Steps about stock (features/stock.feature): a seller counts her products' stock; orders reserve it.

Orders have no route yet: the order steps call the stock use cases as the order saga will, on the
server's own loop, and then settle so every consumer of the stock events has run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_bdd import given, then, when

from core.products import commands as c
from core.products import use_cases as uc
from core.products.events import StockLine
from core.products.stock import ReservationState
from features.steps.catalog import Catalog
from features.steps.text import step


class StockKeeping:
    """The products (named by title, as the catalogue's steps created them) and each order's last outcome."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog, self.world = catalog, catalog.world
        self.orders: dict[str, c.ReservationView | None] = {}

    def stock_path(self, title: str) -> str:
        return self.catalog.card_path(title, "/stock")

    def run(self, use_case: type[Any], command: Any) -> Any:
        server = self.world.server
        assert server.runtime is not None
        result = server.call(server.runtime.resolve(use_case)(command))
        server.settle()
        return result


@pytest.fixture
def stock_keeping(catalog: Catalog) -> StockKeeping:
    return StockKeeping(catalog)


@when(step('"{email}" sets the stock of "{title}" to {quantity:d}'))
def sets_stock(stock_keeping: StockKeeping, email: str, title: str, quantity: int) -> None:
    stock_keeping.world.as_user("PUT", email, stock_keeping.stock_path(title), {"quantity": quantity})


@given(step('"{email}" sets the stock of "{title}" to {quantity:d}'))
def has_set_stock(stock_keeping: StockKeeping, email: str, title: str, quantity: int) -> None:
    sets_stock(stock_keeping, email, title, quantity)
    assert stock_keeping.world.last.status == 200, stock_keeping.world.last.body


@when(step('"{email}" reads the stock of "{title}"'))
def reads_stock(stock_keeping: StockKeeping, email: str, title: str) -> None:
    stock_keeping.world.as_user("GET", email, stock_keeping.stock_path(title))


@when(step('"{email}" sends the stock change {body} for "{title}"'))
def sends_stock_change(stock_keeping: StockKeeping, email: str, body: str, title: str) -> None:
    stock_keeping.world.as_user("PUT", email, stock_keeping.stock_path(title), json.loads(body))


@then(step('"{email}" sees {on_hand:d} on hand, {reserved:d} reserved and {available:d} available of "{title}"'))
def sees_stock(
    stock_keeping: StockKeeping, email: str, on_hand: int, reserved: int, available: int, title: str
) -> None:
    reply = stock_keeping.world.as_user("GET", email, stock_keeping.stock_path(title))
    assert reply.status == 200, reply.body
    assert reply.body == {
        "product_id": stock_keeping.catalog.product_id(title),
        "on_hand": on_hand,
        "reserved": reserved,
        "available": available,
    }


@given(step('order "{order_id}" reserves {quantity:d} of "{title}"'))
@when(step('order "{order_id}" reserves {quantity:d} of "{title}"'))
def order_reserves(stock_keeping: StockKeeping, order_id: str, quantity: int, title: str) -> None:
    line = StockLine(stock_keeping.catalog.product_id(title), quantity)
    stock_keeping.orders[order_id] = stock_keeping.run(uc.ReserveStock, c.ReserveForOrder(order_id, [line]))


@when(step('order "{order_id}" is released'))
def order_released(stock_keeping: StockKeeping, order_id: str) -> None:
    stock_keeping.orders[order_id] = stock_keeping.run(uc.ReleaseStock, c.ReleaseForOrder(order_id))


@when(step('order "{order_id}" ships'))
def order_ships(stock_keeping: StockKeeping, order_id: str) -> None:
    outcome = stock_keeping.run(uc.CommitStock, c.CommitForOrder(order_id))
    assert outcome.state is ReservationState.COMMITTED
    stock_keeping.orders[order_id] = outcome


@then(step('order "{order_id}" holds its stock'))
def order_holds(stock_keeping: StockKeeping, order_id: str) -> None:
    outcome = stock_keeping.orders[order_id]
    assert outcome is not None
    assert outcome.state is ReservationState.RESERVED


@then(step('order "{order_id}" could not have "{title}"'))
def order_short_of(stock_keeping: StockKeeping, order_id: str, title: str) -> None:
    outcome = stock_keeping.orders[order_id]
    assert outcome is not None
    assert outcome.state is ReservationState.FAILED
    assert [line.product_id for line in outcome.unavailable] == [stock_keeping.catalog.product_id(title)]
