"""Nothing in memory grows without bound on a long-running memory-profile server: what expires is
forgotten, not merely hidden (the stores' contract suites check what a caller sees; these check what the
process holds)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.auth import MemorySessionStore
from adapters.memory.cart import MemoryCartStore
from adapters.memory.clock import ManualClock
from adapters.memory.event_bus import InProcessEventBus
from adapters.memory.expiring import SWEEP_PER_WRITE, Expiring
from adapters.memory.inbox import MemoryInbox
from adapters.memory.payments import MemoryPaymentsUnitOfWork, PaymentsTables
from adapters.memory.window_counter import MemoryWindowCounter
from core.auth.model import Session
from core.cart.model import Cart
from core.shared.security import Role


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


# The map


def test_an_expired_entry_is_never_returned_and_a_live_one_is(ticks: Ticks) -> None:
    entries: Expiring[str, int] = Expiring(ticks)
    entries.set("short", 1, ticks.now + 10)
    entries.set("long", 2, ticks.now + 100)
    entries.set("never", 3, None)
    ticks.now += 10
    assert entries.get("short") is None
    assert "short" not in entries
    assert entries.get("long") == 2
    assert entries.get("never") == 3
    assert sorted(key for key, _ in entries.items()) == ["long", "never"]


def test_writes_forget_expired_entries_nobody_reads_again(ticks: Ticks) -> None:
    entries: Expiring[int, str] = Expiring(ticks)
    for n in range(1000):
        entries.set(n, "x", ticks.now + 60)
    ticks.now += 61
    for n in range(1000, 1000 + 1000 // SWEEP_PER_WRITE + 1):
        entries.set(n, "y", ticks.now + 60)
    assert len(entries) == entries.live() == 1000 // SWEEP_PER_WRITE + 1


def test_a_key_written_again_lives_to_its_new_deadline_and_the_old_one_does_not_cut_it_short(ticks: Ticks) -> None:
    entries: Expiring[str, int] = Expiring(ticks)
    entries.set("a", 1, ticks.now + 10)
    entries.set("a", 2, ticks.now + 100)
    ticks.now += 50
    assert entries.sweep() == 0
    assert entries.get("a") == 2
    assert entries.deadline("a") == 1100.0


def test_rewriting_the_same_keys_for_ever_keeps_the_deadlines_bounded(ticks: Ticks) -> None:
    entries: Expiring[str, int] = Expiring(ticks)
    for n in range(100_000):
        entries.set(f"k{n % 10}", n, ticks.now + 3600)
    assert len(entries) == 10
    assert len(entries._deadlines) <= 2 * 10 + 64


def test_pop_gives_the_live_value_only(ticks: Ticks) -> None:
    entries: Expiring[str, int] = Expiring(ticks)
    entries.set("a", 1, ticks.now + 1)
    entries.set("b", 2, ticks.now + 10)
    ticks.now += 5
    assert entries.pop("a") is None
    assert entries.pop("b") == 2
    assert len(entries) == 0


# The adapters


def session(clock: ManualClock, name: str, lasts: timedelta) -> Session:
    now = clock.now()
    return Session(name, "alice", now, now + lasts, roles=frozenset({Role.CUSTOMER}))


async def test_expired_sessions_are_forgotten_by_later_logins() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    store = MemorySessionStore(clock)
    for n in range(100):
        await store.add(session(clock, f"old-{n}", timedelta(hours=1)))
    clock.advance(2 * 3600)
    for n in range(20):
        await store.add(session(clock, f"new-{n}", timedelta(hours=1)))
    assert len(store._sessions) == 20


async def test_failure_windows_that_ended_are_forgotten(ticks: Ticks) -> None:
    counter = MemoryWindowCounter(ticks)
    for n in range(100):
        await counter.add(f"login:{n}@example.com", 60)
    ticks.now += 61
    for n in range(20):
        await counter.add(f"login:new-{n}@example.com", 60)
    assert len(counter._windows) == 20
    assert await counter.get("login:0@example.com") == (0, 0)


async def test_expired_guest_carts_are_forgotten_and_users_carts_kept(ticks: Ticks) -> None:
    store = MemoryCartStore(guest_ttl_seconds=60, monotonic=ticks)
    for n in range(100):
        assert await store.save(Cart(id=f"guest:{n}"))
    assert await store.save(Cart(id="user:alice"))
    ticks.now += 61
    for n in range(20):
        assert await store.save(Cart(id=f"guest:new-{n}"))
    assert len(store._carts) == 21
    assert await store.get("user:alice") is not None


async def test_the_inbox_forgets_event_ids_older_than_its_retention(ticks: Ticks) -> None:
    inbox = MemoryInbox(retention_seconds=3600, monotonic=ticks)
    for n in range(100):
        await inbox.remember("search", f"old-{n}")
    ticks.now += 3601
    for n in range(20):
        await inbox.remember("search", f"new-{n}")
    assert not await inbox.seen("search", "old-0")
    assert await inbox.seen("search", "new-0")
    assert len(inbox._seen) == 20


async def test_payment_webhook_ids_older_than_their_retention_are_forgotten(ticks: Ticks) -> None:
    tables = PaymentsTables(webhook_retention_seconds=3600, monotonic=ticks)

    async def remember(event_id: str) -> bool:
        async with MemoryPaymentsUnitOfWork(tables, InProcessEventBus()) as uow:
            first = await uow.webhooks.remember(event_id)
            await uow.commit()
            return first

    for n in range(100):
        assert await remember(f"evt_old_{n}")
    assert not await remember("evt_old_0")
    ticks.now += 3601
    assert await remember("evt_new")
    assert len(tables.webhooks.rows) == 1
