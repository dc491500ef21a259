"""Fixtures of the contract suites: each test runs once per adapter, ``memory`` and ``postgres``.

A test sees the ports only (a unit-of-work factory per context, an inbox) plus one accessor per adapter,
``committed_events()``: what a committed unit of work handed on for publication. For the memory adapter
that is what reached the in-process bus; for PostgreSQL it is the rows of the outbox. The assertions are
therefore the same for both.

PostgreSQL: one database per test session (made and migrated on the server of ``scripts/services up``,
dropped at the end), every table truncated before each test. If the server is down, the ``postgres``
tests fail with a message saying how to start it; they are never skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
import redis.asyncio as aioredis

from adapters.memory.auth import AuthTables, MemoryAuthUnitOfWork
from adapters.memory.inbox import MemoryInbox
from adapters.memory.reviews import MemoryRatingsUnitOfWork, MemoryReviewsUnitOfWork, RatingsTables, ReviewsTables
from adapters.memory.users import MemoryUsersUnitOfWork, UsersTables
from adapters.postgres.auth.repository import PostgresAuthUnitOfWork
from adapters.postgres.inbox import PostgresInbox
from adapters.postgres.ratings.repository import PostgresRatingsUnitOfWork
from adapters.postgres.reviews.repository import PostgresReviewsUnitOfWork
from adapters.postgres.users.repository import PostgresUsersUnitOfWork
from core.shared.events import EventEnvelope
from ports.auth import AuthUnitOfWork
from ports.reviews import RatingsUnitOfWork, ReviewsUnitOfWork
from ports.shared import Inbox
from ports.users import UsersUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import scratch_pool, truncate_statement
from tests.support.redis import scratch_redis

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]

CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


class MemoryAdapters:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.auth_tables = AuthTables()
        self.users_tables = UsersTables()
        self.reviews_tables = ReviewsTables()
        self.ratings_tables = RatingsTables()
        self.ratings_lock = asyncio.Lock()
        self.inbox: Inbox = MemoryInbox()

    def auth_uow(self) -> AuthUnitOfWork:
        return MemoryAuthUnitOfWork(self.auth_tables, self.bus)

    def users_uow(self) -> UsersUnitOfWork:
        return MemoryUsersUnitOfWork(self.users_tables, self.bus)

    def reviews_uow(self) -> ReviewsUnitOfWork:
        return MemoryReviewsUnitOfWork(self.reviews_tables, self.bus)

    def ratings_uow(self) -> RatingsUnitOfWork:
        return MemoryRatingsUnitOfWork(self.ratings_tables, self.bus, self.ratings_lock)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresAdapters:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.inbox: Inbox = PostgresInbox(pool)

    def auth_uow(self) -> AuthUnitOfWork:
        return PostgresAuthUnitOfWork(self.pool)

    def users_uow(self) -> UsersUnitOfWork:
        return PostgresUsersUnitOfWork(self.pool)

    # The reviews and the ratings have a database each; here both schemas share the scratch one.
    def reviews_uow(self) -> ReviewsUnitOfWork:
        return PostgresReviewsUnitOfWork(self.pool)

    def ratings_uow(self) -> RatingsUnitOfWork:
        return PostgresRatingsUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        rows = await self.pool.fetch(
            "SELECT event_id, type, key, occurred_at, payload, correlation_id FROM outbox ORDER BY id"
        )
        return [
            EventEnvelope(
                id=r["event_id"],
                type=r["type"],
                occurred_at=r["occurred_at"],
                key=r["key"],
                payload=r["payload"],
                correlation_id=r["correlation_id"],
            )
            for r in rows
        ]


@pytest.fixture(scope="session")
async def contract_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("contract", contexts=["auth", "users", "reviews", "ratings"]) as pool:
        yield pool


@pytest.fixture(scope="session")
async def contract_truncate(contract_pool: asyncpg.Pool) -> str:
    return await truncate_statement(contract_pool)


@pytest.fixture
async def clean_contract_pool(contract_pool: asyncpg.Pool, contract_truncate: str) -> asyncpg.Pool:
    await contract_pool.execute(contract_truncate)
    return contract_pool


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> MemoryAdapters | PostgresAdapters:
    if request.param == "memory":
        return MemoryAdapters()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresAdapters(request.getfixturevalue("clean_contract_pool"))


@pytest.fixture
def auth_uow(backend: MemoryAdapters | PostgresAdapters) -> Callable[[], AuthUnitOfWork]:
    """A factory: a new auth unit of work per call, as the container hands them out."""
    return backend.auth_uow


@pytest.fixture
def users_uow(backend: MemoryAdapters | PostgresAdapters) -> Callable[[], UsersUnitOfWork]:
    return backend.users_uow


@pytest.fixture
def reviews_uow(backend: MemoryAdapters | PostgresAdapters) -> Callable[[], ReviewsUnitOfWork]:
    return backend.reviews_uow


@pytest.fixture
def ratings_uow(backend: MemoryAdapters | PostgresAdapters) -> Callable[[], RatingsUnitOfWork]:
    return backend.ratings_uow


@pytest.fixture
def inbox(backend: MemoryAdapters | PostgresAdapters) -> Inbox:
    return backend.inbox


@pytest.fixture
def committed_events(backend: MemoryAdapters | PostgresAdapters) -> CommittedEvents:
    """``await committed_events()``: every event committed so far, in commit order."""
    return backend.committed_events


@pytest.fixture
async def redis_db() -> AsyncIterator[aioredis.Redis]:
    """A client of the tests' Redis database, flushed: for the tests of what a Redis adapter itself writes.
    A module whose adapter keeps to a database of its own (the carts') overrides it."""
    client = await scratch_redis()
    try:
        yield client
    finally:
        await client.aclose()
