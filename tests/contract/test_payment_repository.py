"""The PaymentRepository, WebhookLog and PaymentsUnitOfWork contract, memory and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.payments import MemoryPaymentsUnitOfWork, PaymentsTables
from adapters.postgres.payments.repository import PostgresPaymentsUnitOfWork
from core.payments.model import Payment, RetryPolicy
from core.shared.errors import Conflict
from core.shared.events import EventEnvelope
from core.shared.money import Money
from core.shared.pagination import PageRequest
from ports.checkout import PaymentStatus
from ports.payment_gateway import GatewayAuthorization, GatewayStatus
from ports.payments import PaymentsUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
POLICY = RetryPolicy()
ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]
UowFactory = Callable[[], PaymentsUnitOfWork]


class MemoryPayments:
    def __init__(self) -> None:
        self.bus, self.tables = RecordingEventBus(), PaymentsTables()

    def uow(self) -> PaymentsUnitOfWork:
        return MemoryPaymentsUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresPayments:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def uow(self) -> PaymentsUnitOfWork:
        return PostgresPaymentsUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="session")
async def payments_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("payments_contract", contexts=["payments"]) as pool:
        yield pool


@pytest.fixture
async def clean_payments_pool(payments_pool: asyncpg.Pool) -> asyncpg.Pool:
    await payments_pool.execute(await truncate_statement(payments_pool))
    return payments_pool


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> MemoryPayments | PostgresPayments:
    if request.param == "memory":
        return MemoryPayments()
    return PostgresPayments(request.getfixturevalue("clean_payments_pool"))


@pytest.fixture
def uow(backend: MemoryPayments | PostgresPayments) -> UowFactory:
    return backend.uow


def new_payment(n: int, at: datetime = START, amount: int = 4200) -> Payment:
    return Payment.start(f"pay-{n:03d}", f"order-{n:03d}", "customer-1", Money(amount, "EUR"), "tok_visa", at, at)


async def store(uow: UowFactory, *payments: Payment) -> None:
    async with uow() as u:
        for payment in payments:
            await u.payments.add(payment)
        await u.commit()


async def test_a_payment_comes_back_as_stored_with_its_events(
    uow: UowFactory, backend: MemoryPayments | PostgresPayments
) -> None:
    await store(uow, new_payment(1))
    async with uow() as u:
        payment = await u.payments.get("pay-001")
        assert payment is not None
        payment.settle(GatewayAuthorization("auth_1", GatewayStatus.AUTHORIZED), START + timedelta(seconds=1))
        await u.payments.update(payment)
        await u.commit()

    async with uow() as u:
        by_id = await u.payments.get("pay-001")
        by_order = await u.payments.for_order("order-001")
    assert by_id == by_order == payment
    assert by_id is not None
    assert (by_id.status, by_id.authorization_id, by_id.amount, by_id.version) == (
        PaymentStatus.AUTHORIZED,
        "auth_1",
        Money(4200, "EUR"),
        1,
    )
    assert [h.at for h in by_id.history] == [START, START + timedelta(seconds=1)]
    assert [e.type for e in await backend.committed_events()] == ["payments.PaymentAuthorized.v1"]


async def test_one_payment_per_order(uow: UowFactory) -> None:
    await store(uow, new_payment(1))
    twin = new_payment(1)
    twin.id = "pay-other"
    with pytest.raises(Conflict):
        await store(uow, twin)
    async with uow() as u:
        assert await u.payments.get("pay-other") is None


async def test_a_stale_update_is_refused(uow: UowFactory) -> None:
    await store(uow, new_payment(1))
    async with uow() as first_uow:
        first = await first_uow.payments.get("pay-001")
    async with uow() as second_uow:
        second = await second_uow.payments.get("pay-001")
        assert second is not None
        second.claim(START + timedelta(minutes=5))
        await second_uow.payments.update(second)
        await second_uow.commit()
    assert first is not None
    first.claim(START + timedelta(minutes=9))
    async with uow() as u:
        with pytest.raises(Conflict):
            await u.payments.update(first)
    async with uow() as u:
        stored = await u.payments.get("pay-001")
    assert stored is not None
    assert stored.next_attempt_at == START + timedelta(minutes=5)


async def test_due_lists_in_flight_payments_most_overdue_first(uow: UowFactory) -> None:
    late, later, future = new_payment(1), new_payment(2), new_payment(3)
    late.next_attempt_at = START - timedelta(minutes=2)
    later.next_attempt_at = START - timedelta(minutes=1)
    future.next_attempt_at = START + timedelta(minutes=1)
    settled = new_payment(4)
    settled.settle(GatewayAuthorization("auth_4", GatewayStatus.AUTHORIZED), START)
    settled.next_attempt_at = None
    await store(uow, future, later, late, settled)

    async with uow() as u:
        assert [p.id for p in await u.payments.due(START, 10)] == ["pay-001", "pay-002"]
        assert [p.id for p in await u.payments.due(START, 1)] == ["pay-001"]


async def test_the_list_pages_newest_first_by_status(uow: UowFactory) -> None:
    payments = [new_payment(n, START + timedelta(seconds=n)) for n in range(5)]
    payments[2].settle(GatewayAuthorization("auth_2", GatewayStatus.DECLINED, "card_declined"), START)
    await store(uow, *payments)

    async with uow() as u:
        first = await u.payments.list(None, PageRequest(2))
        second = await u.payments.list(None, PageRequest(2, first.next_cursor))
        third = await u.payments.list(None, PageRequest(2, second.next_cursor))
        declined = await u.payments.list(PaymentStatus.DECLINED, PageRequest())
    ids = [p.id for page in (first, second, third) for p in page.items]
    assert ids == ["pay-004", "pay-003", "pay-002", "pay-001", "pay-000"]
    assert third.next_cursor is None
    assert [p.id for p in declined.items] == ["pay-002"]


async def test_a_webhook_event_is_remembered_once_and_only_when_committed(uow: UowFactory) -> None:
    async with uow() as u:
        assert await u.webhooks.remember("evt_1")  # rolled back: not committed
    async with uow() as u:
        assert await u.webhooks.remember("evt_1")
        assert not await u.webhooks.remember("evt_1")
        await u.commit()
    async with uow() as u:
        assert not await u.webhooks.remember("evt_1")
