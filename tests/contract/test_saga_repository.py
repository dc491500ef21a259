"""The SagaRepository and OrchestratorUnitOfWork contract, memory and PostgreSQL alike.

The orchestrator database is its own (schema ``orchestrator``), so this suite has its own scratch database;
every test runs once per adapter and sees only the ports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.orchestrator import MemoryOrchestratorUnitOfWork, SagaTables
from adapters.postgres.orchestrator.repository import PostgresOrchestratorUnitOfWork
from core.orchestrator.model import Saga, SagaKind, SagaLine, SagaStatus, Step
from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict, ValidationFailed
from core.shared.money import Money
from core.shared.pagination import PageRequest, encode_cursor
from ports.orchestrator import OrchestratorUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import scratch_pool, truncate_statement

# Microseconds on purpose: stored times (and the cursors made of them) must come back exact.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
ADDRESS = PostalAddress(recipient="Ann", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE")

UowFactory = Callable[[], OrchestratorUnitOfWork]

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]


@pytest.fixture(scope="session")
async def sagas_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("sagas_contract", contexts=["orchestrator"]) as pool:
        yield pool


@pytest.fixture(scope="session")
async def sagas_truncate(sagas_pool: asyncpg.Pool) -> str:
    return await truncate_statement(sagas_pool)


@pytest.fixture
async def clean_sagas_pool(sagas_pool: asyncpg.Pool, sagas_truncate: str) -> asyncpg.Pool:
    await sagas_pool.execute(sagas_truncate)
    return sagas_pool


@pytest.fixture(params=ADAPTERS)
def sagas_uow(request: pytest.FixtureRequest) -> UowFactory:
    """A factory: a new unit of work per call, as the container hands them out."""
    if request.param == "memory":
        tables, bus = SagaTables(), RecordingEventBus()
        return lambda: MemoryOrchestratorUnitOfWork(tables, bus)
    # Looked up here, so a memory-only run never touches PostgreSQL.
    pool = request.getfixturevalue("clean_sagas_pool")
    return lambda: PostgresOrchestratorUnitOfWork(pool)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def checkout(order_id: str, clock: ManualClock) -> Saga:
    return Saga.checkout(
        order_id=order_id,
        customer_id="customer-1",
        lines=[SagaLine("lamp", 2), SagaLine("shade", 1)],
        total=Money(4998, "EUR"),
        address=ADDRESS,
        payment_token="tok_visa",
        now=clock.now(),
    )


async def store(uow_factory: UowFactory, *sagas: Saga) -> None:
    async with uow_factory() as uow:
        for saga in sagas:
            await uow.sagas.add(saga)
        await uow.commit()


async def load(uow_factory: UowFactory, saga_id: str) -> Saga | None:
    async with uow_factory() as uow:
        return await uow.sagas.get(saga_id)


async def test_a_saga_comes_back_as_stored(sagas_uow: UowFactory, clock: ManualClock) -> None:
    saga = checkout("order-1", clock)
    saga.stock_answered(True, clock.now())
    await store(sagas_uow, saga)
    loaded = await load(sagas_uow, "order-1")
    assert loaded == saga
    assert loaded is not None
    assert loaded.address == ADDRESS
    assert loaded.payment_token == "tok_visa"
    assert await load(sagas_uow, "order-2") is None
    refund = Saga.refund(order_id="order-1", customer_id="customer-1", amount=Money(100, "JPY"), now=clock.now())
    await store(sagas_uow, refund)
    assert await load(sagas_uow, "refund:order-1") == refund


async def test_a_saga_is_stored_once(sagas_uow: UowFactory, clock: ManualClock) -> None:
    await store(sagas_uow, checkout("order-1", clock))
    with pytest.raises(Conflict):
        await store(sagas_uow, checkout("order-1", clock))


async def test_a_stale_update_is_refused(sagas_uow: UowFactory, clock: ManualClock) -> None:
    await store(sagas_uow, checkout("order-1", clock))
    async with sagas_uow() as first, sagas_uow() as second:
        mine, theirs = await first.sagas.get("order-1"), await second.sagas.get("order-1")
        assert mine is not None
        assert theirs is not None
        mine.stock_answered(True, clock.now())
        await first.sagas.update(mine)
        await first.commit()
        theirs.stock_answered(False, clock.now())
        with pytest.raises(Conflict):  # at once (PostgreSQL) or at commit (memory)
            await _update_and_commit(second, theirs)
    loaded = await load(sagas_uow, "order-1")
    assert loaded is not None
    assert (loaded.step, loaded.version) == (Step.AUTHORIZE_PAYMENT, 1)


async def _update_and_commit(uow: OrchestratorUnitOfWork, saga: Saga) -> None:
    await uow.sagas.update(saga)
    await uow.commit()


async def test_an_uncommitted_change_is_dropped(sagas_uow: UowFactory, clock: ManualClock) -> None:
    await store(sagas_uow, checkout("order-1", clock))
    async with sagas_uow() as uow:
        saga = await uow.sagas.get("order-1")
        assert saga is not None
        saga.stock_answered(True, clock.now())
        await uow.sagas.update(saga)
    loaded = await load(sagas_uow, "order-1")
    assert loaded is not None
    assert loaded.step is Step.RESERVE_STOCK


async def test_the_list_is_oldest_first_filtered_and_in_pages(sagas_uow: UowFactory, clock: ManualClock) -> None:
    sagas = []
    for n in range(4):
        sagas.append(checkout(f"order-{n}", clock))
        clock.advance(0.000001)
    sagas[1].stock_answered(False, clock.now())  # cancel_order: still running
    refund = Saga.refund(order_id="order-0", customer_id="c", amount=Money(5, "EUR"), now=clock.now())
    await store(sagas_uow, *sagas, refund)
    async with sagas_uow() as uow:
        first = await uow.sagas.list(None, None, PageRequest(limit=3))
        rest = await uow.sagas.list(None, None, PageRequest(limit=3, cursor=first.next_cursor))
        refunds = await uow.sagas.list(SagaKind.REFUND, SagaStatus.RUNNING, PageRequest())
        none_ended = await uow.sagas.list(SagaKind.CHECKOUT, SagaStatus.CANCELLED, PageRequest())
        after_one = await uow.sagas.list(
            SagaKind.CHECKOUT, None, PageRequest(cursor=encode_cursor([START.isoformat(), "order-0"]))
        )
    assert [s.id for s in first.items] == ["order-0", "order-1", "order-2"]
    assert [s.id for s in rest.items] == ["order-3", "refund:order-0"]
    assert rest.next_cursor is None
    assert [s.id for s in refunds.items] == ["refund:order-0"]
    assert list(none_ended.items) == []
    assert [s.id for s in after_one.items] == ["order-1", "order-2", "order-3"]
    with pytest.raises(ValidationFailed):
        async with sagas_uow() as uow:
            await uow.sagas.list(None, None, PageRequest(cursor="bm90IGEgY3Vyc29y"))


async def test_claiming_stalled_sagas_touches_them_once(sagas_uow: UowFactory, clock: ManualClock) -> None:
    old, newer, ended = checkout("order-old", clock), checkout("order-new", clock), checkout("order-done", clock)
    old.updated_at = START - timedelta(minutes=10)
    newer.updated_at = START - timedelta(minutes=5)
    ended.updated_at = START - timedelta(minutes=10)
    ended.stock_answered(True, ended.updated_at)
    ended.status = SagaStatus.CANCELLED
    await store(sagas_uow, old, newer, ended)
    now = START + timedelta(minutes=1)
    async with sagas_uow() as uow:
        longest = await uow.sagas.claim_stalled(START - timedelta(minutes=1), now, 1)
        assert [s.id for s in longest] == ["order-old"]  # chosen first; not committed: dropped
    async with sagas_uow() as uow:
        claimed = await uow.sagas.claim_stalled(START - timedelta(minutes=1), now, 10)
        await uow.commit()
    assert sorted(s.id for s in claimed) == ["order-new", "order-old"]
    assert all(s.updated_at == now and s.version == 1 for s in claimed)
    stored = await load(sagas_uow, "order-old")
    assert stored is not None
    assert (stored.updated_at, stored.version) == (now, 1)
    async with sagas_uow() as uow:
        assert await uow.sagas.claim_stalled(START, now, 10) == []  # touched: no longer stalled


async def test_two_sweepers_never_claim_the_same_saga(sagas_uow: UowFactory, clock: ManualClock) -> None:
    saga = checkout("order-1", clock)
    await store(sagas_uow, saga)
    later = START + timedelta(minutes=5)
    won = 0
    async with sagas_uow() as first:
        mine = await first.sagas.claim_stalled(later, later, 10)
        async with sagas_uow() as second:
            # PostgreSQL skips the row the first one holds; memory lets the second commit conflict.
            theirs = await second.sagas.claim_stalled(later, later, 10)
            await first.commit()
            won += len(mine)
            try:
                await second.commit()
                won += len(theirs)
            except Conflict:
                pass
    assert won == 1
