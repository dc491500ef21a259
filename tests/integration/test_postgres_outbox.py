"""The PostgreSQL outbox: what a commit writes, how the relay publishes, retries and parks events, and
what the unit of work does when the database itself fails."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.clock import ManualClock
from adapters.postgres.auth.repository import PostgresAuthUnitOfWork
from adapters.postgres.inbox import PostgresInbox
from adapters.postgres.outbox import MAX_ATTEMPTS, PostgresOutboxRelay, purge_inbox, purge_published
from adapters.postgres.pool import PostgresHealth, create_pool
from adapters.postgres.unit_of_work import write_outbox
from core.auth.events import UserRegistered
from core.auth.model import Account
from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope, correlation_id, from_envelope, to_envelope
from tests.support.postgres import drop_database, fresh_database, scratch_pool, truncate_statement

pytestmark = pytest.mark.infra

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)


class RecordingPublisher:
    """Records what it publishes; fails on demand (always, or only for some event ids)."""

    def __init__(self) -> None:
        self.published: list[EventEnvelope] = []
        self.calls = 0
        self.fail_with: Exception | None = None
        self.poison: set[str] = set()

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        self.calls += 1
        await asyncio.sleep(0)  # a real publisher awaits the network: let other tasks run meanwhile
        if self.fail_with is not None:
            raise self.fail_with
        bad = [e.id for e in envelopes if e.id in self.poison]
        if bad:
            raise ValueError(f"cannot serialise event {bad[0]}")
        self.published.extend(envelopes)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.published]


@pytest.fixture(scope="module")
async def outbox_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("outbox") as pool:
        yield pool


@pytest.fixture
async def pool(outbox_pool: asyncpg.Pool) -> asyncpg.Pool:
    await outbox_pool.execute(await truncate_statement(outbox_pool))
    return outbox_pool


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def relay(pool: asyncpg.Pool, publisher: RecordingPublisher) -> PostgresOutboxRelay:
    return PostgresOutboxRelay(pool, publisher)


def envelope(n: int, key: str = "k") -> EventEnvelope:
    return EventEnvelope(
        id=f"0190f0a4-0000-7000-8000-{n:012d}",
        type="auth.UserRegistered.v1",
        occurred_at=START + timedelta(seconds=n),
        key=key,
        payload={"user_id": key, "email": f"user{n}@example.com", "display_name": f"User {n}"},
    )


async def put(pool: asyncpg.Pool, *envelopes: EventEnvelope) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await write_outbox(conn, envelopes)


async def register(pool: asyncpg.Pool, n: int, clock: ManualClock, nudge: list[int] | None = None) -> Account:
    uow = PostgresAuthUnitOfWork(pool, None if nudge is None else lambda: nudge.append(1))
    account = Account.register(
        user_id=f"00000000-0000-7000-8000-{n:012d}",
        email=f"user{n}@example.com",
        password_hash="$argon2id$x",
        display_name=f"User {n}",
        now=clock.now(),
    )
    async with uow:
        await uow.accounts.add(account)
        await uow.commit()
    return account


async def row(pool: asyncpg.Pool, event_id: str) -> asyncpg.Record:
    return await pool.fetchrow(
        "SELECT attempts, last_error, published_at, dead_at FROM outbox WHERE event_id = $1", event_id
    )


async def pending(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL AND dead_at IS NULL"))


# What a commit writes


async def test_a_commit_writes_its_events_to_the_outbox_and_nudges_the_relay(pool: asyncpg.Pool) -> None:
    clock, nudges = ManualClock(START), []
    token = correlation_id.set("request-42")
    try:
        account = await register(pool, 1, clock, nudges)
    finally:
        correlation_id.reset(token)

    rows = await pool.fetch("SELECT * FROM outbox")

    assert nudges == [1]
    [stored] = rows
    assert stored["type"] == "auth.UserRegistered.v1"
    assert stored["key"] == account.id
    assert stored["occurred_at"] == START
    assert stored["payload"] == {"user_id": account.id, "email": "user1@example.com", "display_name": "User 1"}
    assert stored["correlation_id"] == "request-42"
    assert stored["attempts"] == 0
    assert stored["published_at"] is None
    assert stored["dead_at"] is None


async def test_a_rolled_back_unit_of_work_writes_nothing_and_nudges_nobody(pool: asyncpg.Pool) -> None:
    nudges: list[int] = []
    uow = PostgresAuthUnitOfWork(pool, lambda: nudges.append(1))
    async with uow:
        await uow.accounts.add(
            Account.register(user_id="u1", email="a@example.com", password_hash="h", display_name="A", now=START)
        )
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0
    assert await pool.fetchval("SELECT count(*) FROM auth.accounts") == 0
    assert nudges == []


async def test_repositories_refuse_to_work_outside_the_unit_of_work(pool: asyncpg.Pool) -> None:
    uow = PostgresAuthUnitOfWork(pool)
    with pytest.raises(RuntimeError, match="not open"):
        await uow.accounts.get("u1")
    async with uow:
        await uow.commit()
        with pytest.raises(RuntimeError, match="not open"):
            await uow.accounts.get("u1")
    # Every connection went back to the pool.
    assert pool.get_idle_size() == pool.get_size()


async def test_writers_of_one_key_take_turns_so_ids_follow_commit_order(pool: asyncpg.Pool) -> None:
    """A second writer for the same aggregate waits until the first commits; another aggregate does not."""
    async with pool.acquire() as first, pool.acquire() as second, pool.acquire() as third:
        tx1 = first.transaction()
        await tx1.start()
        await write_outbox(first, [envelope(1, key="alice")])

        async def write(conn: asyncpg.Connection, e: EventEnvelope) -> None:
            async with conn.transaction():
                await write_outbox(conn, [e])

        other_key = asyncio.create_task(write(third, envelope(3, key="bob")))
        same_key = asyncio.create_task(write(second, envelope(2, key="alice")))
        await asyncio.wait_for(other_key, 5)
        await asyncio.sleep(0.3)
        assert not same_key.done(), "the second writer of key alice did not wait for the first"
        await tx1.commit()
        await asyncio.wait_for(same_key, 5)

    ids = await pool.fetch("SELECT event_id FROM outbox WHERE key = 'alice' ORDER BY id")
    assert [r["event_id"] for r in ids] == [envelope(1).id, envelope(2).id]


# The relay


async def test_the_relay_publishes_in_commit_order_marks_published_and_never_twice(
    pool: asyncpg.Pool, relay: PostgresOutboxRelay, publisher: RecordingPublisher
) -> None:
    clock = ManualClock(START)
    alice = await register(pool, 1, clock)
    bob = await register(pool, 2, clock)
    uow = PostgresAuthUnitOfWork(pool)
    async with uow:
        loaded = await uow.accounts.get(alice.id)
        assert loaded is not None
        loaded.logged_in("203.0.113.7", clock.now())
        await uow.accounts.update(loaded)
        await uow.commit()

    assert await relay.relay_once() == 3
    assert [(e.type, e.key) for e in publisher.published] == [
        ("auth.UserRegistered.v1", alice.id),
        ("auth.UserRegistered.v1", bob.id),
        ("auth.UserLoggedIn.v1", alice.id),
    ]
    assert await pending(pool) == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL") == 3

    assert await relay.relay_once() == 0
    assert len(publisher.published) == 3


async def test_a_published_envelope_turns_back_into_the_event_raised(
    pool: asyncpg.Pool, relay: PostgresOutboxRelay, publisher: RecordingPublisher
) -> None:
    event = UserRegistered(occurred_at=START, user_id="u1", email="a@example.com", display_name="Ä ü 日本")
    await put(pool, to_envelope(event, correlation="req-1"))

    await relay.relay_once()

    [published] = publisher.published
    assert published == to_envelope(event, correlation="req-1")
    assert from_envelope(published) == event


async def test_the_relay_takes_at_most_a_batch_per_pass(
    pool: asyncpg.Pool, relay: PostgresOutboxRelay, publisher: RecordingPublisher
) -> None:
    await put(pool, *(envelope(n, key=f"k{n}") for n in range(1, 6)))
    assert await relay.relay_once(batch_size=2) == 2
    assert await relay.relay_once(batch_size=2) == 2
    assert await relay.relay_once(batch_size=2) == 1
    assert await relay.relay_once(batch_size=2) == 0
    assert publisher.ids == [envelope(n).id for n in range(1, 6)]


async def test_a_failed_publish_keeps_the_events_and_counts_the_attempt(
    pool: asyncpg.Pool, relay: PostgresOutboxRelay, publisher: RecordingPublisher
) -> None:
    await put(pool, envelope(1, key="a"), envelope(2, key="b"))
    publisher.fail_with = ConnectionResetError("broker went away")

    with pytest.raises(ConnectionResetError):
        await relay.relay_once()
    with pytest.raises(ConnectionResetError):
        await relay.relay_once()

    first, second = await row(pool, envelope(1).id), await row(pool, envelope(2).id)
    assert first["attempts"] == 2  # the batch failed, then the first event alone: it is the one counted
    assert first["last_error"] == "ConnectionResetError: broker went away"
    assert first["published_at"] is None
    assert first["dead_at"] is None
    assert second["attempts"] == 0
    assert await pending(pool) == 2

    publisher.fail_with = None
    assert await relay.relay_once() == 2
    assert publisher.ids == [envelope(1).id, envelope(2).id]


async def test_a_poison_event_is_parked_after_ten_attempts_and_the_rest_flow(
    pool: asyncpg.Pool, relay: PostgresOutboxRelay, publisher: RecordingPublisher, caplog: pytest.LogCaptureFixture
) -> None:
    await put(pool, envelope(1, key="a"), envelope(2, key="b"), envelope(3, key="c"))
    poison = envelope(2).id
    publisher.poison = {poison}

    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(ValueError, match="cannot serialise"):
            await relay.relay_once()
        assert (await row(pool, poison))["attempts"] == attempt
    assert publisher.ids == [envelope(1).id]  # what came before the poison went out at once

    with caplog.at_level(logging.ERROR, logger="adapters.postgres.outbox"):
        assert await relay.relay_once() == 1  # the tenth failure parks it; the event after it goes out

    parked = await row(pool, poison)
    assert parked["attempts"] == MAX_ATTEMPTS
    assert parked["dead_at"] is not None
    assert parked["published_at"] is None
    assert "cannot serialise" in parked["last_error"]
    assert publisher.ids == [envelope(1).id, envelope(3).id]
    assert any(poison in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert await relay.relay_once() == 0


async def test_an_unavailable_publisher_never_gets_an_event_parked(
    pool: asyncpg.Pool, relay: PostgresOutboxRelay, publisher: RecordingPublisher
) -> None:
    await put(pool, envelope(1))
    publisher.fail_with = Unavailable("kafka is down")
    for _ in range(MAX_ATTEMPTS + 2):
        with pytest.raises(Unavailable):
            await relay.relay_once()
    stored = await row(pool, envelope(1).id)
    assert stored["attempts"] == MAX_ATTEMPTS + 2
    assert stored["dead_at"] is None

    publisher.fail_with = None
    assert await relay.relay_once() == 1


async def test_two_relays_at_once_never_publish_an_event_twice_nor_reorder_a_key(
    pool: asyncpg.Pool, publisher: RecordingPublisher
) -> None:
    keys = [f"user-{k}" for k in range(8)]
    written = [envelope(n, key=keys[n % len(keys)]) for n in range(240)]
    await put(pool, *written)
    relays = [PostgresOutboxRelay(pool, publisher), PostgresOutboxRelay(pool, publisher)]
    passes = [0, 0]

    async def drain(i: int) -> None:
        while await pending(pool):
            if await relays[i].relay_once(batch_size=7):
                passes[i] += 1
            else:
                await asyncio.sleep(0.005)

    await asyncio.wait_for(asyncio.gather(drain(0), drain(1)), 60)

    assert sorted(publisher.ids) == sorted(e.id for e in written)
    assert len(publisher.ids) == len(set(publisher.ids))
    for key in keys:
        assert [e.id for e in publisher.published if e.key == key] == [e.id for e in written if e.key == key]
    assert passes[0] > 0
    assert passes[1] > 0


async def test_purging_deletes_only_events_published_long_enough_ago(
    pool: asyncpg.Pool, relay: PostgresOutboxRelay
) -> None:
    await put(pool, envelope(1, key="a"), envelope(2, key="b"))
    assert await relay.relay_once() == 2
    await pool.execute("UPDATE outbox SET published_at = now() - interval '2 days' WHERE event_id = $1", envelope(1).id)
    await put(pool, envelope(3, key="c"), envelope(4, key="d"))
    await pool.execute(  # a dead letter stays until someone looks at it, however old
        "UPDATE outbox SET dead_at = now() - interval '2 days' WHERE event_id = $1", envelope(3).id
    )

    assert await purge_published(pool, timedelta(days=1)) == 1

    left = await pool.fetch("SELECT event_id FROM outbox ORDER BY id")
    assert [r["event_id"] for r in left] == [envelope(2).id, envelope(3).id, envelope(4).id]
    assert await purge_published(pool, timedelta(days=1)) == 0


async def test_the_relay_also_forgets_event_ids_consumers_handled_long_ago(
    pool: asyncpg.Pool, publisher: RecordingPublisher
) -> None:
    inbox = PostgresInbox(pool)
    for event_id in ("old", "recent"):
        await inbox.remember("search", event_id)
    await pool.execute("UPDATE inbox SET processed_at = now() - interval '3 days' WHERE event_id = 'old'")
    relay = PostgresOutboxRelay(pool, publisher, inbox_retention=timedelta(days=2))

    assert await relay.purge(timedelta(days=7)) == 1

    assert not await inbox.seen("search", "old")
    assert await inbox.seen("search", "recent")
    assert await purge_inbox(pool, timedelta(days=2)) == 0


# When the database fails


async def test_an_unreachable_server_is_unavailable_and_the_message_keeps_the_password_secret() -> None:
    with pytest.raises(Unavailable, match=r"127\.0\.0\.1:1/nowhere") as caught:
        await create_pool("postgresql://someone:s3cret@127.0.0.1:1/nowhere", 1, 2, 2.0)
    assert "s3cret" not in str(caught.value)


async def test_a_statement_timeout_is_unavailable_and_the_connection_returns_to_the_pool() -> None:
    dsn = await fresh_database("timeout")
    pool = await create_pool(dsn, 1, 1, 0.3)
    try:
        uow = PostgresAuthUnitOfWork(pool)

        async def slow() -> None:
            async with uow:
                await uow.accounts.conn.execute("SELECT pg_sleep(5)")  # type: ignore[attr-defined]

        with pytest.raises(Unavailable, match="TimeoutError"):
            await slow()
        async with uow:  # the only pooled connection is back, and clean
            assert await uow.accounts.get("u1") is None
    finally:
        await pool.close()
        await drop_database(dsn)


# A deferred trigger that makes every commit of a new account take 3 s at the server.
SLOW_COMMIT = """
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON auth.accounts DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION slow_commit();
"""


async def test_a_unit_of_work_cancelled_in_its_commit_changes_nothing_logs_no_failure_and_the_pool_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A process stopping (or a caller's timeout) cancels a commit under way: asyncpg's transaction can no
    longer roll back, so the connection is discarded, quietly, and the next unit of work gets another."""
    dsn = await fresh_database("cancelled")
    pool = await create_pool(dsn, 1, 1, 10.0)
    watcher = await asyncpg.connect(dsn)
    try:
        await pool.execute(SLOW_COMMIT)
        uow = PostgresAuthUnitOfWork(pool)
        account = Account.register(user_id="u1", email="a@example.com", password_hash="h", display_name="A", now=START)

        async def sign_up() -> None:
            async with uow:
                await uow.accounts.add(account)
                await uow.commit()

        with caplog.at_level(logging.INFO, logger="adapters.postgres.unit_of_work"):
            task = asyncio.create_task(sign_up())
            committing = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query ILIKE 'commit%'"
            for _ in range(500):  # until the server is in the commit's trigger (within 5 s)
                if await watcher.fetchval(committing):
                    break
                await asyncio.sleep(0.01)
            else:
                pytest.fail("the commit never reached the server")
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "adapters.postgres.unit_of_work"]
        assert logged == [(logging.INFO, "unit of work cancelled while committing; discarding the connection")]
        assert await watcher.fetchval("SELECT count(*) FROM auth.accounts") == 0
        async with uow:  # the only pooled connection was discarded: the pool opens another
            assert await uow.accounts.get("u1") is None
    finally:
        await watcher.close()
        await pool.close()
        await drop_database(dsn)


async def test_a_lost_connection_is_unavailable_and_the_pool_recovers(pool: asyncpg.Pool) -> None:
    uow = PostgresAuthUnitOfWork(pool)

    async def lose_connection() -> None:
        async with uow:
            pid = await uow.accounts.conn.fetchval("SELECT pg_backend_pid()")  # type: ignore[attr-defined]
            await pool.execute("SELECT pg_terminate_backend($1)", pid)
            await uow.accounts.get("u1")

    with pytest.raises(Unavailable):
        await lose_connection()
    for _ in range(3):
        async with uow:
            assert await uow.accounts.get("u1") is None


async def test_the_health_check_answers_while_the_pool_works(pool: asyncpg.Pool) -> None:
    health = PostgresHealth("postgres.users", pool)
    assert health.name == "postgres.users"
    await health.check()

    dsn = await fresh_database("health", migrated=False)
    closed = await create_pool(dsn, 1, 1, 2.0)
    await closed.close()
    try:
        with pytest.raises(Unavailable, match=r"postgres\.users does not answer"):
            await PostgresHealth("postgres.users", closed).check()
    finally:
        await drop_database(dsn)
