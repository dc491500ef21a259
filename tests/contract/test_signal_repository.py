"""The SignalRepository and SignalsUnitOfWork contract, memory and PostgreSQL alike (schema ``activity``).

The signals are counts that many units of work add to side by side (one per action the activity worker
applies), so the last tests matter most: a redelivered action counts once, and twenty units of work
adding to the same rows at once lose nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.activity import MemoryActivitySignalsUnitOfWork, SignalsTables
from adapters.postgres.activity.repository import PostgresActivitySignalsUnitOfWork
from core.activity.model import ActionKind, Dimension, PairKind, RememberedOrder, guest_actor
from core.shared.errors import ChangedMeanwhile
from core.shared.events import EventEnvelope
from ports.activity import SignalRepository, SignalsUnitOfWork
from ports.recommendations import Interest, Ranked, ShopperProfile
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

# Microseconds on purpose: the moments kept must come back exact.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
TODAY = date(2026, 3, 14)
ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]
# Ids that sort differently by byte than by a language's collation: ties must break by code point.
TENT, STOVE, LAMP, MAT = "Product-tent", "product-stove", "product-lamp", "product-mat"
ALICE, BOB = "user-alice", "user-bob"
GUEST = guest_actor("cart-token-1")
# Category paths from the root down: camping > tents, camping > cooking.
OUTDOORS, TENTS, COOKING = "cat-outdoors", "cat-tents", "cat-cooking"

UowFactory = Callable[[], SignalsUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


class MemorySignals:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = SignalsTables()

    def uow(self) -> SignalsUnitOfWork:
        return MemoryActivitySignalsUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresSignals:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def uow(self) -> SignalsUnitOfWork:
        return PostgresActivitySignalsUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="module")
async def signals_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("signals", contexts=["activity"]) as pool:
        yield pool


@pytest.fixture(scope="module")
async def signals_truncate(signals_pool: asyncpg.Pool) -> str:
    return await truncate_statement(signals_pool)


@pytest.fixture
async def clean_signals_pool(signals_pool: asyncpg.Pool, signals_truncate: str) -> asyncpg.Pool:
    await signals_pool.execute(signals_truncate)
    return signals_pool


@pytest.fixture(params=ADAPTERS)
def signals_backend(request: pytest.FixtureRequest) -> MemorySignals | PostgresSignals:
    if request.param == "memory":
        return MemorySignals()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresSignals(request.getfixturevalue("clean_signals_pool"))


@pytest.fixture
def signals_uow(signals_backend: MemorySignals | PostgresSignals) -> UowFactory:
    return signals_backend.uow


@pytest.fixture
def committed_events(signals_backend: MemorySignals | PostgresSignals) -> CommittedEvents:
    """``await committed_events()``: every event committed so far (memory: the bus; PostgreSQL: the outbox)."""
    return signals_backend.committed_events


@contextlib.asynccontextmanager
async def reading(signals_uow: UowFactory) -> AsyncIterator[SignalRepository]:
    """The signals as committed, read in a unit of work of their own."""
    async with signals_uow() as uow:
        yield uow.signals


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


# Claims


async def test_an_action_is_claimed_once_in_a_unit_of_work_and_across_them(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        assert await uow.signals.claim("action-1") is True
        assert await uow.signals.claim("action-1") is False
        assert await uow.signals.claim("action-2") is True
        await uow.commit()
    async with signals_uow() as uow:
        assert await uow.signals.claim("action-1") is False
        assert await uow.signals.claim("action-2") is False
        assert await uow.signals.claim("action-3") is True
        await uow.commit()
    async with signals_uow() as uow:
        assert await uow.signals.claim("action-3") is False


async def test_a_unit_of_work_left_without_commit_claims_and_counts_nothing(
    signals_uow: UowFactory, committed_events: CommittedEvents
) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        assert await s.claim("action-1") is True
        await s.add_interest(ALICE, TENT, ActionKind.VIEWED, at(0))
        await s.add_taste(ALICE, Dimension.BRAND, "Nordpeak", 1.0)
        await s.add_pairs(PairKind.VIEWED, TENT, [STOVE])
        await s.add_product_day(TENT, TODAY, [OUTDOORS, TENTS], "Nordpeak", 1, 1)
        await s.remember_order("order-1", ALICE, [(TENT, 1)])
        s.shopper(ALICE).signals_changed(at(0))

    async with signals_uow() as uow:
        assert await uow.signals.claim("action-1") is True  # free again
    async with reading(signals_uow) as s:
        assert await s.profile(ALICE) == ShopperProfile(ALICE)
        assert await s.recent_products(ALICE, ActionKind.VIEWED, 10) == []
        assert await s.neighbours(PairKind.VIEWED, [TENT], 10) == []
        assert await s.top_products(TODAY, "views", None, None, 10) == []
        assert await s.active_categories(TODAY, 10) == []
        assert await s.order("order-1") is None
    assert await committed_events() == []


# Interests


async def test_interests_count_each_kind_and_keep_the_latest_moment(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        for minute in (1, 5, 3):  # out of order: the latest moment is kept, not the last given
            await s.add_interest(ALICE, TENT, ActionKind.VIEWED, at(minute))
        await s.add_interest(ALICE, TENT, ActionKind.ADDED_TO_CART, at(4))
        await s.add_interest(ALICE, TENT, ActionKind.ADDED_TO_CART, at(2))
        await s.add_interest(ALICE, TENT, ActionKind.REMOVED_FROM_CART, at(6))
        await s.add_interest(ALICE, STOVE, ActionKind.PURCHASED, at(5))
        await s.add_interest(ALICE, STOVE, ActionKind.ADDED_TO_CART, at(1))
        for _ in range(3):  # never below none
            await s.add_interest(ALICE, STOVE, ActionKind.REMOVED_FROM_CART, at(7))
        # Neither a removal of what was never added nor a review makes an interest.
        await s.add_interest(ALICE, LAMP, ActionKind.REMOVED_FROM_CART, at(8))
        await s.add_interest(ALICE, MAT, ActionKind.REVIEWED, at(9))
        await s.add_interest(BOB, LAMP, ActionKind.VIEWED, at(0))
        await uow.commit()

    async with reading(signals_uow) as s:
        alice = await s.profile(ALICE)
        bob = await s.profile(BOB)
    # Latest first; TENT and STOVE were last touched at the same moment, so by id ("P" before "p").
    assert alice.interests == (
        Interest(TENT, viewed=3, carted=1, purchased=0, last_at=at(5)),
        Interest(STOVE, viewed=0, carted=0, purchased=1, last_at=at(5)),
    )
    assert bob.interests == (Interest(LAMP, viewed=1, carted=0, purchased=0, last_at=at(0)),)


async def test_recent_products_are_the_latest_of_a_kind_each_once(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        await s.add_interest(ALICE, STOVE, ActionKind.VIEWED, at(1))
        await s.add_interest(ALICE, LAMP, ActionKind.VIEWED, at(2))
        await s.add_interest(ALICE, STOVE, ActionKind.VIEWED, at(3))
        await s.add_interest(ALICE, TENT, ActionKind.VIEWED, at(3))
        await s.add_interest(ALICE, MAT, ActionKind.ADDED_TO_CART, at(9))
        await s.add_interest(ALICE, LAMP, ActionKind.ADDED_TO_CART, at(4))
        await s.add_interest(ALICE, MAT, ActionKind.PURCHASED, at(10))
        await s.add_interest(BOB, MAT, ActionKind.VIEWED, at(20))
        await uow.commit()

    async with reading(signals_uow) as s:
        assert await s.recent_products(ALICE, ActionKind.VIEWED, 10) == [TENT, STOVE, LAMP]
        assert await s.recent_products(ALICE, ActionKind.VIEWED, 2) == [TENT, STOVE]
        assert await s.recent_products(ALICE, ActionKind.ADDED_TO_CART, 10) == [MAT, LAMP]
        assert await s.recent_products(ALICE, ActionKind.PURCHASED, 10) == [MAT]
        assert await s.recent_products(ALICE, ActionKind.SEARCHED, 10) == []
        assert await s.recent_products(ALICE, ActionKind.REVIEWED, 10) == []
        assert await s.recent_products("user-nobody", ActionKind.VIEWED, 10) == []


async def test_recent_products_count_the_actions_of_the_unit_of_work_too(signals_uow: UowFactory) -> None:
    """The activity worker counts an order's lines one after another, each paired with those before it."""
    async with signals_uow() as uow:
        await uow.signals.add_interest(ALICE, STOVE, ActionKind.PURCHASED, at(5))
        await uow.signals.add_interest(ALICE, LAMP, ActionKind.PURCHASED, at(1))
        await uow.commit()
    async with signals_uow() as uow:
        s = uow.signals
        await s.add_interest(ALICE, TENT, ActionKind.PURCHASED, at(3))
        await s.add_interest(ALICE, STOVE, ActionKind.PURCHASED, at(2))  # older than the one committed
        await s.add_interest(ALICE, LAMP, ActionKind.PURCHASED, at(4))
        await s.add_interest(ALICE, MAT, ActionKind.VIEWED, at(9))
        assert await s.recent_products(ALICE, ActionKind.PURCHASED, 10) == [STOVE, LAMP, TENT]
        assert await s.recent_products(ALICE, ActionKind.VIEWED, 10) == [MAT]
        assert await s.recent_products(BOB, ActionKind.PURCHASED, 10) == []


async def test_tastes_are_summed_per_dimension_and_actor(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        for weight in (1.0, 3.0, -1.0):
            await s.add_taste(ALICE, Dimension.CATEGORY, TENTS, weight)
        await s.add_taste(ALICE, Dimension.CATEGORY, COOKING, -2.5)
        await s.add_taste(ALICE, Dimension.BRAND, "Nordpeak", 5.0)
        await s.add_taste(ALICE, Dimension.BRAND, TENTS, 0.5)  # the same value in the other dimension
        await uow.commit()
    async with signals_uow() as uow:
        await uow.signals.add_taste(ALICE, Dimension.BRAND, "Nordpeak", 0.25)
        await uow.signals.add_taste(BOB, Dimension.CATEGORY, TENTS, 1.0)
        await uow.commit()

    async with reading(signals_uow) as s:
        alice = await s.profile(ALICE)
        bob = await s.profile(BOB)
    assert alice == ShopperProfile(ALICE, (), {TENTS: 3.0, COOKING: -2.5}, {"Nordpeak": 5.25, TENTS: 0.5})
    assert bob == ShopperProfile(BOB, (), {TENTS: 1.0}, {})


# Pairs


async def test_pairs_are_counted_both_ways_and_never_with_the_product_itself(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        await s.add_pairs(PairKind.VIEWED, TENT, [STOVE, LAMP, STOVE, TENT])  # a repeat and itself: ignored
        await s.add_pairs(PairKind.VIEWED, TENT, [TENT])
        await s.add_pairs(PairKind.VIEWED, MAT, [])
        await s.add_pairs(PairKind.BOUGHT, STOVE, [LAMP])
        await uow.commit()
    async with signals_uow() as uow:
        await uow.signals.add_pairs(PairKind.VIEWED, STOVE, [TENT])
        await uow.commit()

    async with reading(signals_uow) as s:
        assert await s.neighbours(PairKind.VIEWED, [TENT], 10) == [Ranked(STOVE, 2.0), Ranked(LAMP, 1.0)]
        assert await s.neighbours(PairKind.VIEWED, [STOVE], 10) == [Ranked(TENT, 2.0)]
        assert await s.neighbours(PairKind.VIEWED, [LAMP], 10) == [Ranked(TENT, 1.0)]
        assert await s.neighbours(PairKind.VIEWED, [MAT], 10) == []
        assert await s.neighbours(PairKind.BOUGHT, [LAMP], 10) == [Ranked(STOVE, 1.0)]
        assert await s.neighbours(PairKind.BOUGHT, [TENT], 10) == []


async def test_neighbours_sum_over_the_products_asked_and_leave_those_out(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        for _ in range(2):
            await s.add_pairs(PairKind.BOUGHT, TENT, [MAT, LAMP])
        await s.add_pairs(PairKind.BOUGHT, STOVE, [LAMP, "product-fuel", TENT])
        await s.add_pairs(PairKind.BOUGHT, "product-fuel", ["product-pot"])
        await uow.commit()

    async with reading(signals_uow) as s:
        # LAMP: 2 with TENT + 1 with STOVE; MAT: 2 with TENT; fuel: 1 with STOVE; TENT and STOVE themselves
        # (counted with each other) are left out; pot is only a neighbour of a neighbour.
        both = await s.neighbours(PairKind.BOUGHT, [TENT, STOVE], 10)
        assert both == [Ranked(LAMP, 3.0), Ranked(MAT, 2.0), Ranked("product-fuel", 1.0)]
        assert await s.neighbours(PairKind.BOUGHT, [TENT, STOVE, TENT], 2) == both[:2]
        assert await s.neighbours(PairKind.BOUGHT, [], 10) == []
        assert await s.neighbours(PairKind.BOUGHT, [LAMP], 10) == [Ranked(TENT, 2.0), Ranked(STOVE, 1.0)]
        # Equal sums break by id.
        assert await s.neighbours(PairKind.BOUGHT, [MAT, STOVE], 10) == [
            Ranked(TENT, 3.0),
            Ranked("product-fuel", 1.0),
            Ranked(LAMP, 1.0),
        ]


# Products' days


async def add_days(signals_uow: UowFactory) -> None:
    """Three days of a small camping shop: tents under outdoors > tents, stoves under outdoors > cooking."""
    days = [
        (TENT, TODAY - timedelta(days=2), [OUTDOORS, TENTS], "Nordpeak", 50, 9),  # before the window
        (TENT, TODAY - timedelta(days=1), [OUTDOORS, TENTS], "Nordpeak", 10, 1),
        (TENT, TODAY, [OUTDOORS, TENTS], "Nordpeak", 5, 1),
        (STOVE, TODAY - timedelta(days=1), [OUTDOORS, COOKING], "Flamo", 4, 3),
        (STOVE, TODAY, [OUTDOORS, COOKING], "Flamo", 4, 0),
        (LAMP, TODAY, [OUTDOORS], "Nordpeak", 2, 2),
        (MAT, TODAY, [OUTDOORS, TENTS], "Nordpeak", 15, 0),  # viewed, never sold
        ("product-idle", TODAY, ["cat-idle"], "Idle", 0, 0),  # a row with nothing in it
    ]
    async with signals_uow() as uow:
        for product_id, day, path, brand, views, units in days:
            await uow.signals.add_product_day(product_id, day, path, brand, views, units)
        await uow.commit()


async def test_top_products_by_measure_since_a_day(signals_uow: UowFactory) -> None:
    await add_days(signals_uow)
    since = TODAY - timedelta(days=1)
    async with reading(signals_uow) as s:
        assert await s.top_products(since, "units", None, None, 10) == [
            Ranked(STOVE, 3.0),
            Ranked(TENT, 2.0),
            Ranked(LAMP, 2.0),
        ]
        assert await s.top_products(since, "views", None, None, 10) == [
            Ranked(TENT, 15.0),
            Ranked(MAT, 15.0),
            Ranked(STOVE, 8.0),
            Ranked(LAMP, 2.0),
        ]
        assert await s.top_products(since, "views", None, None, 1) == [Ranked(TENT, 15.0)]
        assert await s.top_products(TODAY - timedelta(days=2), "units", None, None, 1) == [Ranked(TENT, 11.0)]
        assert await s.top_products(TODAY + timedelta(days=1), "views", None, None, 10) == []
        with pytest.raises(ValueError, match="units"):
            await s.top_products(since, "revenue", None, None, 10)


async def test_top_products_in_a_category_at_any_level_and_of_a_brand(signals_uow: UowFactory) -> None:
    await add_days(signals_uow)
    since = TODAY - timedelta(days=1)
    async with reading(signals_uow) as s:
        assert await s.top_products(since, "views", TENTS, None, 10) == [Ranked(TENT, 15.0), Ranked(MAT, 15.0)]
        assert await s.top_products(since, "units", OUTDOORS, None, 10) == [
            Ranked(STOVE, 3.0),
            Ranked(TENT, 2.0),
            Ranked(LAMP, 2.0),
        ]
        assert await s.top_products(since, "units", COOKING, None, 10) == [Ranked(STOVE, 3.0)]
        assert await s.top_products(since, "units", None, "Nordpeak", 10) == [Ranked(TENT, 2.0), Ranked(LAMP, 2.0)]
        assert await s.top_products(since, "views", TENTS, "Nordpeak", 10) == [Ranked(TENT, 15.0), Ranked(MAT, 15.0)]
        assert await s.top_products(since, "views", COOKING, "Nordpeak", 10) == []
        assert await s.top_products(since, "views", "cat-idle", None, 10) == []


async def test_a_product_day_adds_up_and_keeps_the_category_and_brand_as_now(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        await uow.signals.add_product_day(TENT, TODAY, [OUTDOORS], "Nordpeak", 2, 0)
        await uow.signals.add_product_day(TENT, TODAY, [OUTDOORS, TENTS], "Nordpeak", 1, 1)
        await uow.commit()
    async with signals_uow() as uow:
        await uow.signals.add_product_day(TENT, TODAY, [OUTDOORS, TENTS], "Nordpeak Pro", 0, 2)
        await uow.commit()

    async with reading(signals_uow) as s:
        assert await s.top_products(TODAY, "views", TENTS, "Nordpeak Pro", 10) == [Ranked(TENT, 3.0)]
        assert await s.top_products(TODAY, "units", TENTS, "Nordpeak Pro", 10) == [Ranked(TENT, 3.0)]
        assert await s.top_products(TODAY, "units", None, "Nordpeak", 10) == []


async def test_active_categories_are_those_at_every_level_busiest_first(signals_uow: UowFactory) -> None:
    await add_days(signals_uow)
    async with reading(signals_uow) as s:
        since = TODAY - timedelta(days=1)
        # outdoors: every row (11 + 6 + 7 + 4 + 4 + 15); tents: 11 + 6 + 15; cooking: 7 + 4. Idle: nothing.
        assert await s.active_categories(since, 10) == [OUTDOORS, TENTS, COOKING]
        assert await s.active_categories(since, 2) == [OUTDOORS, TENTS]
        assert await s.active_categories(TODAY - timedelta(days=2), 10) == [OUTDOORS, TENTS, COOKING]
        assert await s.active_categories(TODAY + timedelta(days=1), 10) == []
    async with signals_uow() as uow:
        for _ in range(3):
            await uow.signals.add_product_day(STOVE, TODAY, [OUTDOORS, COOKING], "Flamo", 10, 5)
        await uow.commit()
    async with reading(signals_uow) as s:
        assert await s.active_categories(TODAY, 10) == [OUTDOORS, COOKING, TENTS]


# Orders


async def test_a_placed_order_keeps_its_first_customer_and_lines_in_their_order(signals_uow: UowFactory) -> None:
    lines = [(TENT, 2), (LAMP, 1), (STOVE, 3)]
    async with signals_uow() as uow:
        await uow.signals.remember_order("order-1", ALICE, lines)
        await uow.signals.remember_order("order-1", BOB, [(MAT, 9)])  # kept once: the first stays
        await uow.commit()
    async with signals_uow() as uow:
        await uow.signals.remember_order("order-1", BOB, [(MAT, 9)])
        await uow.signals.remember_order("order-2", BOB, [])
        await uow.commit()

    async with reading(signals_uow) as s:
        assert await s.order("order-1") == RememberedOrder("order-1", ALICE, tuple(lines))
        assert await s.order("order-2") == RememberedOrder("order-2", BOB, ())
        assert await s.order("order-unknown") is None


async def test_an_orders_payment_is_kept_once_before_or_after_its_placement(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        await s.remember_order("order-placed-first", ALICE, [(TENT, 1)])
        await s.remember_payment("order-paid-first", "event-paid-2", at(2))  # the placement is still to come
        await uow.commit()
    async with signals_uow() as uow:
        s = uow.signals
        await s.remember_payment("order-placed-first", "event-paid-1", at(1))
        await s.remember_payment("order-placed-first", "event-paid-again", at(9))  # the first payment stays
        await uow.commit()
    async with reading(signals_uow) as s:
        assert await s.order("order-paid-first") == RememberedOrder("order-paid-first", None, (), "event-paid-2", at(2))
    async with signals_uow() as uow:
        await uow.signals.remember_order("order-paid-first", BOB, [(STOVE, 2), (LAMP, 1)])
        await uow.signals.remember_payment("order-paid-first", "event-paid-again", at(9))
        await uow.commit()

    async with reading(signals_uow) as s:
        assert await s.order("order-placed-first") == RememberedOrder(
            "order-placed-first", ALICE, ((TENT, 1),), "event-paid-1", at(1)
        )
        assert await s.order("order-paid-first") == RememberedOrder(
            "order-paid-first", BOB, ((STOVE, 2), (LAMP, 1)), "event-paid-2", at(2)
        )


# A guest's activity claimed at login, and erasure


async def add_shoppers(signals_uow: UowFactory) -> None:
    async with signals_uow() as uow:
        s = uow.signals
        await s.add_interest(GUEST, TENT, ActionKind.VIEWED, at(1))
        await s.add_interest(GUEST, TENT, ActionKind.ADDED_TO_CART, at(7))
        await s.add_interest(GUEST, LAMP, ActionKind.VIEWED, at(2))
        await s.add_taste(GUEST, Dimension.CATEGORY, TENTS, 4.0)
        await s.add_taste(GUEST, Dimension.BRAND, "Flamo", 1.0)
        await s.add_interest(ALICE, TENT, ActionKind.VIEWED, at(5))
        await s.add_interest(ALICE, TENT, ActionKind.PURCHASED, at(6))
        await s.add_interest(ALICE, STOVE, ActionKind.VIEWED, at(3))
        await s.add_taste(ALICE, Dimension.CATEGORY, TENTS, 1.5)
        await s.add_taste(ALICE, Dimension.CATEGORY, COOKING, 1.0)
        await s.remember_order("order-guest", GUEST, [(LAMP, 1)])
        await s.remember_payment("order-guest", "event-paid", at(8))
        await s.remember_order("order-alice", ALICE, [(TENT, 1)])
        await s.add_interest(BOB, TENT, ActionKind.VIEWED, at(4))
        await s.add_taste(BOB, Dimension.BRAND, "Nordpeak", 1.0)
        await s.remember_order("order-bob", BOB, [(STOVE, 1)])
        await s.add_pairs(PairKind.VIEWED, TENT, [LAMP])
        await s.add_product_day(TENT, TODAY, [OUTDOORS, TENTS], "Nordpeak", 3, 1)
        await uow.commit()


async def test_reassign_folds_a_guest_into_the_user_and_forgets_the_guest(signals_uow: UowFactory) -> None:
    await add_shoppers(signals_uow)
    async with signals_uow() as uow:
        await uow.signals.reassign(GUEST, ALICE)
        await uow.signals.reassign(BOB, BOB)  # into themselves: nothing changes
        await uow.commit()

    async with reading(signals_uow) as s:
        assert await s.profile(ALICE) == ShopperProfile(
            ALICE,
            (
                Interest(TENT, viewed=2, carted=1, purchased=1, last_at=at(7)),
                Interest(STOVE, viewed=1, carted=0, purchased=0, last_at=at(3)),
                Interest(LAMP, viewed=1, carted=0, purchased=0, last_at=at(2)),
            ),
            {TENTS: 5.5, COOKING: 1.0},
            {"Flamo": 1.0},
        )
        # The latest moment of each kind is the later of the two shoppers'.
        assert await s.recent_products(ALICE, ActionKind.VIEWED, 10) == [TENT, STOVE, LAMP]
        assert await s.recent_products(ALICE, ActionKind.ADDED_TO_CART, 10) == [TENT]
        assert await s.recent_products(ALICE, ActionKind.PURCHASED, 10) == [TENT]
        assert await s.profile(GUEST) == ShopperProfile(GUEST)
        assert await s.recent_products(GUEST, ActionKind.VIEWED, 10) == []
        assert await s.order("order-guest") == RememberedOrder("order-guest", ALICE, ((LAMP, 1),), "event-paid", at(8))
        assert await s.order("order-alice") == RememberedOrder("order-alice", ALICE, ((TENT, 1),))
        bob = await s.profile(BOB)
        assert (len(bob.interests), bob.brands) == (1, {"Nordpeak": 1.0})


async def test_reassign_to_a_new_user_moves_everything(signals_uow: UowFactory) -> None:
    await add_shoppers(signals_uow)
    async with reading(signals_uow) as s:
        guest = await s.profile(GUEST)
    async with signals_uow() as uow:
        await uow.signals.reassign(GUEST, "user-carol")
        await uow.commit()
    async with reading(signals_uow) as s:
        assert await s.profile("user-carol") == ShopperProfile(
            "user-carol", guest.interests, guest.categories, guest.brands
        )
        assert await s.profile(GUEST) == ShopperProfile(GUEST)


async def test_erase_forgets_the_shopper_but_not_the_counts_over_everyone(signals_uow: UowFactory) -> None:
    await add_shoppers(signals_uow)
    async with signals_uow() as uow:
        await uow.signals.erase(ALICE)
        await uow.commit()

    async with reading(signals_uow) as s:
        assert await s.profile(ALICE) == ShopperProfile(ALICE)
        assert await s.recent_products(ALICE, ActionKind.VIEWED, 10) == []
        assert await s.order("order-alice") is None
        # Others stay, and so do the pairs and the daily figures.
        assert await s.order("order-bob") == RememberedOrder("order-bob", BOB, ((STOVE, 1),))
        assert len((await s.profile(GUEST)).interests) == 2
        assert len((await s.profile(BOB)).interests) == 1
        assert await s.neighbours(PairKind.VIEWED, [TENT], 10) == [Ranked(LAMP, 1.0)]
        assert await s.top_products(TODAY, "views", None, None, 10) == [Ranked(TENT, 3.0)]


# The shopper's events


async def test_the_shoppers_events_are_committed_with_the_unit_of_work(
    signals_uow: UowFactory, committed_events: CommittedEvents
) -> None:
    async with signals_uow() as uow:
        await uow.signals.add_interest(ALICE, TENT, ActionKind.VIEWED, at(1))
        uow.signals.shopper(ALICE).signals_changed(at(1))
        uow.signals.shopper(GUEST).signals_changed(at(1))  # a guest's list is the base feed: nothing raised
    assert await committed_events() == []  # rolled back: nothing handed on

    async with signals_uow() as uow:
        uow.signals.shopper(ALICE).signals_changed(at(2))
        uow.signals.shopper(BOB).erased(at(3))
        await uow.commit()

    events = await committed_events()
    assert [(e.type, e.key, e.payload, e.occurred_at) for e in events] == [
        ("activity.ShopperSignalsChanged.v1", ALICE, {"user_id": ALICE}, at(2)),
        ("activity.ActivityErased.v1", BOB, {"user_id": BOB}, at(3)),
    ]


# Side by side


async def test_an_action_applied_twice_side_by_side_counts_once(signals_uow: UowFactory) -> None:
    """A redelivery racing the first delivery: PostgreSQL makes the second claim wait for the first unit of
    work and answers false; memory refuses the second commit. Either way the action counts once."""

    async def apply() -> bool:
        async with signals_uow() as uow:
            if not await uow.signals.claim("action-1"):
                return False
            await uow.signals.add_interest(ALICE, TENT, ActionKind.VIEWED, at(1))
            await uow.signals.add_pairs(PairKind.VIEWED, TENT, [STOVE])
            await asyncio.sleep(0.05)  # the other delivery arrives meanwhile
            try:
                await uow.commit()
            except ChangedMeanwhile:
                return False
            return True

    applied = await asyncio.gather(apply(), apply())
    assert sorted(applied) == [False, True]
    async with reading(signals_uow) as s:
        assert (await s.profile(ALICE)).interests == (Interest(TENT, 1, 0, 0, at(1)),)
        assert await s.neighbours(PairKind.VIEWED, [TENT], 10) == [Ranked(STOVE, 1.0)]


async def test_units_of_work_adding_to_the_same_rows_in_opposite_orders_both_commit(signals_uow: UowFactory) -> None:
    """Two orders paid at once with the same products in opposite orders: each counts its lines in its own
    order, and neither may end up waiting for the other (a deadlock PostgreSQL would break by failing one)."""
    started = {TENT: asyncio.Event(), STOVE: asyncio.Event()}

    async def pay(first: str, then: str) -> None:
        async with signals_uow() as uow:
            s = uow.signals
            for product_id in (first, then):
                await s.add_pairs(PairKind.BOUGHT, product_id, [MAT])
                await s.add_product_day(product_id, TODAY, [OUTDOORS], "Nordpeak", 0, 1)
                if product_id == first:
                    started[first].set()
                    await asyncio.wait_for(started[then].wait(), 5)  # the other has begun with its first
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(pay(TENT, STOVE), pay(STOVE, TENT)), 10)
    async with reading(signals_uow) as s:
        assert await s.neighbours(PairKind.BOUGHT, [MAT], 10) == [Ranked(TENT, 2.0), Ranked(STOVE, 2.0)]
        assert await s.top_products(TODAY, "units", None, None, 10) == [Ranked(TENT, 2.0), Ranked(STOVE, 2.0)]


async def test_twenty_units_of_work_side_by_side_count_exactly(
    signals_uow: UowFactory, committed_events: CommittedEvents
) -> None:
    products = [TENT, STOVE, LAMP, MAT]

    async def apply(n: int) -> None:
        async with signals_uow() as uow:
            s = uow.signals
            assert await s.claim(f"action-{n}")
            # Each with every product (itself and a repeat among them, both ignored).
            await s.add_pairs(PairKind.VIEWED, products[n % 4], [*products, TENT])
            await asyncio.sleep(0)
            # Half of them add to the same rows in the opposite order: nobody may wait in a circle.
            days = [
                (TENT, [OUTDOORS, TENTS], "Nordpeak", 1, n % 2),
                (STOVE, [OUTDOORS, COOKING], "Flamo", 2, 1),
            ]
            for product_id, path, brand, views, units in days if n % 2 else reversed(days):
                await s.add_product_day(product_id, TODAY, path, brand, views, units)
                await asyncio.sleep(0)
            for pair in [(LAMP, [MAT]), (MAT, [LAMP])][:: 1 if n % 2 else -1]:
                await s.add_pairs(PairKind.BOUGHT, *pair)
            await s.add_interest(ALICE, TENT, ActionKind.VIEWED, at(n))
            await s.add_taste(ALICE, Dimension.CATEGORY, TENTS, 0.5)
            s.shopper(ALICE).signals_changed(at(n))
            await asyncio.sleep(0)
            await uow.commit()

    await asyncio.gather(*(apply(n) for n in range(20)))

    async with reading(signals_uow) as s:
        # Each ordered pair: 5 units of work started from one product, 5 from the other.
        for product in products:
            assert await s.neighbours(PairKind.VIEWED, [product], 10) == [
                Ranked(other, 10.0) for other in sorted(products) if other != product
            ]
        assert await s.neighbours(PairKind.BOUGHT, [LAMP], 10) == [Ranked(MAT, 40.0)]
        assert await s.top_products(TODAY, "views", None, None, 10) == [Ranked(STOVE, 40.0), Ranked(TENT, 20.0)]
        assert await s.top_products(TODAY, "units", None, None, 10) == [Ranked(STOVE, 20.0), Ranked(TENT, 10.0)]
        alice = await s.profile(ALICE)
    assert alice.interests == (Interest(TENT, 20, 0, 0, at(19)),)
    assert alice.categories == {TENTS: 10.0}
    events = await committed_events()
    assert len({e.id for e in events}) == 20
    assert {(e.type, e.key) for e in events} == {("activity.ShopperSignalsChanged.v1", ALICE)}
