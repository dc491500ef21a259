"""Stock under concurrent orders on PostgreSQL: the last units are never oversold, an order is reserved once,
two orders never deadlock, and whatever mix of reserve, release and commit runs at once, the totals add up."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator

import asyncpg
import pytest

from adapters.memory.clock import ManualClock
from adapters.postgres.products.stock import PostgresStockLevels, PostgresStockUnitOfWork
from core.products import commands as c
from core.products import use_cases as uc
from core.products.events import StockLine
from core.products.stock import ReservationState
from core.shared.security import Principal, Role
from tests.support.postgres import scratch_pool, truncate_statement

pytestmark = pytest.mark.infra

SELLER = Principal("seller-ann", frozenset({Role.SELLER}))
RESERVED, FAILED = ReservationState.RESERVED, ReservationState.FAILED


class Ownership:
    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    async def owner_of(self, product_id: str) -> str | None:
        return self.owners.get(product_id)


class Stock:
    """The stock use cases over PostgreSQL, each call with its own unit of work (as the container gives them)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.clock = ManualClock()
        self.products = Ownership()
        self.levels = PostgresStockLevels(pool)

    def uow(self) -> PostgresStockUnitOfWork:
        return PostgresStockUnitOfWork(self.pool)

    async def stocked(self, product_id: str, quantity: int) -> str:
        self.products.owners[product_id] = SELLER.user_id
        await uc.SetStock(self.uow, self.products, self.clock)(c.SetOnHand(SELLER, product_id, quantity))
        return product_id

    async def view(self, product_id: str) -> c.StockView:
        return await uc.ShowStock(self.uow, self.products)(c.GetStock(SELLER, product_id))

    async def reserve(self, order_id: str, *lines: tuple[str, int]) -> c.ReservationView:
        command = c.ReserveForOrder(order_id, [StockLine(p, q) for p, q in lines])
        return await uc.ReserveStock(self.uow, self.clock)(command)

    async def release(self, order_id: str) -> c.ReservationView | None:
        return await uc.ReleaseStock(self.uow, self.clock)(c.ReleaseForOrder(order_id))

    async def commit(self, order_id: str) -> c.ReservationView:
        return await uc.CommitStock(self.uow, self.clock)(c.CommitForOrder(order_id))

    async def events(self) -> Counter[str]:
        rows = await self.pool.fetch("SELECT type FROM outbox")
        return Counter(r["type"].split(".")[1] for r in rows)

    async def rows(self, state: ReservationState) -> dict[str, int]:
        """Units per product of the reservation rows in ``state``."""
        rows = await self.pool.fetch(
            "SELECT product_id, sum(quantity)::int AS units FROM products.stock_reservations"
            " WHERE state = $1 GROUP BY product_id",
            state.value,
        )
        return {r["product_id"]: r["units"] for r in rows}


@pytest.fixture(scope="module")
async def stock_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("stock_concurrency", contexts=["products"]) as pool:
        yield pool


@pytest.fixture
async def stock(stock_pool: asyncpg.Pool) -> Stock:
    await stock_pool.execute(await truncate_statement(stock_pool))
    return Stock(stock_pool)


async def test_fifty_orders_for_five_units_five_get_one_each(stock: Stock) -> None:
    product = await stock.stocked("product-1", 5)

    outcomes = await asyncio.gather(*(stock.reserve(f"order-{n:02d}", (product, 1)) for n in range(50)))

    states = Counter(o.state for o in outcomes)
    assert states == {RESERVED: 5, FAILED: 45}
    assert await stock.view(product) == c.StockView(product, on_hand=5, reserved=5, available=0)
    assert await stock.levels.available([product]) == {product: 0}
    assert await stock.rows(RESERVED) == {product: 5}
    events = await stock.events()
    assert (events["StockReserved"], events["StockReservationFailed"]) == (5, 45)


async def test_one_order_reserved_many_times_at_once_is_reserved_once(stock: Stock) -> None:
    a = await stock.stocked("product-a", 10)
    b = await stock.stocked("product-b", 10)

    outcomes = await asyncio.gather(*(stock.reserve("order-1", (a, 3), (b, 2)) for _ in range(20)))

    assert {o.state for o in outcomes} == {RESERVED}
    assert [await stock.view(p) for p in (a, b)] == [c.StockView(a, 10, 3, 7), c.StockView(b, 10, 2, 8)]
    assert (await stock.events())["StockReserved"] == 1


async def test_orders_naming_the_same_products_in_opposite_orders_never_deadlock(stock: Stock) -> None:
    a = await stock.stocked("product-a", 15)
    b = await stock.stocked("product-b", 15)

    # A deadlock would surface as Unavailable (PostgreSQL aborts one of the two) and fail gather.
    outcomes = await asyncio.gather(
        *(stock.reserve(f"order-{n:02d}", *([(a, 1), (b, 1)] if n % 2 else [(b, 1), (a, 1)])) for n in range(40))
    )

    assert Counter(o.state for o in outcomes) == {RESERVED: 15, FAILED: 25}
    assert [await stock.view(p) for p in (a, b)] == [c.StockView(a, 15, 15, 0), c.StockView(b, 15, 15, 0)]


async def test_a_mixed_run_of_reserve_release_and_commit_adds_up(stock: Stock) -> None:
    initial = {p: await stock.stocked(p, 40) for p in ("product-a", "product-b", "product-c")}
    products = sorted(initial)
    chance = random.Random(20260314)
    plans = []
    for n in range(80):
        chosen = chance.sample(products, chance.randint(1, 3))
        lines = [(p, chance.randint(1, 4)) for p in chosen]
        plans.append((f"order-{n:02d}", lines, chance.choice(["keep", "release", "commit"]), chance.random() < 0.3))

    async def run(order_id: str, lines: list[tuple[str, int]], then: str, twice: bool) -> tuple[str, str]:
        outcome = await stock.reserve(order_id, *lines)
        if twice:
            assert await stock.reserve(order_id, *lines) == outcome
        if outcome.state is FAILED or then == "keep":
            return order_id, outcome.state.value
        step = stock.release if then == "release" else stock.commit
        final = await step(order_id)
        if twice:
            assert await step(order_id) == final
        assert final is not None
        return order_id, final.state.value

    finals = dict(await asyncio.gather(*(run(*plan) for plan in plans)))

    held: Counter[str] = Counter()
    shipped: Counter[str] = Counter()
    for order_id, lines, _, _ in plans:
        for product_id, quantity in lines:
            if finals[order_id] == "reserved":
                held[product_id] += quantity
            elif finals[order_id] == "committed":
                shipped[product_id] += quantity
    for product_id in products:
        on_hand = 40 - shipped[product_id]
        expected = c.StockView(product_id, on_hand, held[product_id], on_hand - held[product_id])
        assert await stock.view(product_id) == expected
        assert expected.available >= 0
    assert await stock.levels.available(products) == {p: 40 - shipped[p] - held[p] for p in products}
    assert await stock.rows(ReservationState.RESERVED) == {p: u for p, u in held.items() if u}
    assert await stock.rows(ReservationState.COMMITTED) == {p: u for p, u in shipped.items() if u}
    states = Counter(finals.values())
    events = await stock.events()
    assert events["StockReservationFailed"] == states["failed"]
    assert events["StockReserved"] == len(plans) - states["failed"]
    assert (events["StockReleased"], events["StockCommitted"]) == (states["released"], states["committed"])
    assert states["failed"] < len(plans)  # the run did reserve, release and commit something
    assert min(states["released"], states["committed"], states["reserved"]) > 0
