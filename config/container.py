"""The one place that knows which adapter serves which port, per profile.

``bootstrap(settings)`` opens what the profile needs (pools, clients), registers every port and use case
in a punq container, subscribes the in-process consumers, and returns a ``Runtime`` whose ``close()``
releases it all. Entrypoints resolve use cases from ``runtime.container`` and never see an adapter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import attrs
import punq

from adapters.memory.auth import (
    AuthTables,
    MemoryAccountRepository,
    MemoryAuthUnitOfWork,
    MemoryFailureCounter,
    MemorySessionStore,
)
from adapters.memory.event_bus import InProcessEventBus
from adapters.memory.inbox import MemoryInbox
from adapters.memory.users import MemoryUsersUnitOfWork, UsersTables
from adapters.system import Argon2PasswordHasher, SecureTokens, SystemClock, Uuid7Ids
from config.settings import Settings
from core.auth import use_cases as auth
from core.auth.use_cases import AuthPolicy
from core.users import use_cases as users
from entrypoints.consumers import subscribe_all
from entrypoints.workers.outbox_relay import OutboxRelayWorker
from ports.auth import AuthUnitOfWork, FailureCounter, PasswordHasher, SessionStore, TokenGenerator
from ports.shared import Clock, EventPublisher, EventSubscriber, HealthCheck, IdGenerator, Inbox
from ports.users import UsersUnitOfWork

log = logging.getLogger(__name__)

USE_CASES: list[type] = [
    auth.PasswordConfirmation,
    auth.RegisterUser,
    auth.LogIn,
    auth.AuthenticateSession,
    auth.LogOut,
    auth.LogOutEverywhere,
    auth.ListMySessions,
    auth.ChangeMyPassword,
    auth.SetUserRoles,
    auth.GetAccountInfo,
    auth.ListAllAccounts,
    auth.DeleteMyAccount,
    users.CreateUserProfile,
    users.EraseUser,
    users.ShowProfile,
    users.EditProfile,
    users.ChangePreferences,
    users.AddUserAddress,
    users.ListUserAddresses,
    users.ChangeUserAddress,
    users.RemoveUserAddress,
]

# The contexts whose tables live in each PostgreSQL database (the seed's "Users" database holds two).
DATABASES: dict[str, list[str]] = {"users": ["auth", "users"]}


@attrs.define
class Runtime:
    settings: Settings
    container: punq.Container
    bus: InProcessEventBus
    health_checks: list[HealthCheck]
    workers: list[Callable[[], Coroutine[Any, Any, None]]] = attrs.Factory(list)
    relay: OutboxRelayWorker | None = None
    _closers: list[Callable[[], Awaitable[Any]]] = attrs.Factory(list)
    _tasks: list[asyncio.Task[None]] = attrs.Factory(list)

    def resolve(self, key: Any) -> Any:
        return self.container.resolve(key)

    def start_background(self) -> None:
        """Run the in-process workers (outbox relay...) as tasks of the current loop."""
        for work in self.workers:
            self._tasks.append(asyncio.get_running_loop().create_task(work()))

    async def settle(self) -> None:
        """Publish every committed event now (tests use it instead of waiting for a poll)."""
        if self.relay is not None:
            await self.relay.drain()

    async def close(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for close in reversed(self._closers):
            with contextlib.suppress(Exception):
                await close()


def _register_common(
    container: punq.Container, settings: Settings, bus: InProcessEventBus, clock: Clock | None
) -> None:
    container.register(Settings, instance=settings)
    container.register(Clock, instance=clock or SystemClock())
    container.register(IdGenerator, instance=Uuid7Ids())
    container.register(TokenGenerator, instance=SecureTokens())
    container.register(
        PasswordHasher,
        instance=Argon2PasswordHasher(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib),
    )
    container.register(
        AuthPolicy,
        instance=AuthPolicy(
            session_ttl_seconds=settings.session_ttl_seconds,
            failures_per_account=settings.login_failures_per_account,
            failures_per_address=settings.login_failures_per_address,
            failure_window_seconds=settings.login_failure_window_seconds,
        ),
    )
    container.register(InProcessEventBus, instance=bus)
    container.register(EventPublisher, instance=bus)
    container.register(EventSubscriber, instance=bus)
    for use_case in USE_CASES:
        container.register(use_case)


def _register_memory(container: punq.Container, bus: InProcessEventBus) -> list[HealthCheck]:
    auth_tables, users_tables = AuthTables(), UsersTables()
    container.register(AuthUnitOfWork, factory=lambda: MemoryAuthUnitOfWork(auth_tables, bus))
    container.register(UsersUnitOfWork, factory=lambda: MemoryUsersUnitOfWork(users_tables, bus))
    container.register(SessionStore, instance=MemorySessionStore(container.resolve(Clock)))
    container.register(FailureCounter, instance=MemoryFailureCounter())
    container.register(Inbox, instance=MemoryInbox())
    return []


async def _register_infra(container: punq.Container, settings: Settings, runtime: Runtime) -> None:
    # Imported here so the memory profile runs without the database drivers loaded.
    from adapters.postgres.auth.repository import PostgresAuthUnitOfWork
    from adapters.postgres.inbox import PostgresInbox
    from adapters.postgres.outbox import PostgresOutboxRelay
    from adapters.postgres.pool import PostgresHealth, create_pool
    from adapters.postgres.users.repository import PostgresUsersUnitOfWork
    from adapters.redis.client import RedisHealth, create_redis
    from adapters.redis.failures import RedisFailureCounter
    from adapters.redis.sessions import RedisSessionStore

    users_pool = await create_pool(
        settings.users_db_dsn, settings.db_pool_min, settings.db_pool_max, settings.db_timeout_seconds
    )
    runtime._closers.append(users_pool.close)
    redis = create_redis(settings.redis_url, settings.redis_timeout_seconds)
    runtime._closers.append(redis.aclose)

    relay = OutboxRelayWorker(PostgresOutboxRelay(users_pool, runtime.bus), poll_seconds=settings.outbox_poll_seconds)
    runtime.relay = relay
    runtime.workers.append(relay.run)
    nudge = relay.nudge

    container.register(AuthUnitOfWork, factory=lambda: PostgresAuthUnitOfWork(users_pool, nudge))
    container.register(UsersUnitOfWork, factory=lambda: PostgresUsersUnitOfWork(users_pool, nudge))
    container.register(SessionStore, instance=RedisSessionStore(redis, container.resolve(Clock)))
    container.register(FailureCounter, instance=RedisFailureCounter(redis))
    container.register(Inbox, instance=PostgresInbox(users_pool))
    runtime.health_checks.extend([PostgresHealth("postgres.users", users_pool), RedisHealth("redis", redis)])


async def migrate_all(settings: Settings) -> dict[str, list[str]]:
    """Create each database if missing and apply its contexts' migrations; return what was applied."""
    from adapters.postgres.migrations import ensure_database, migrate

    dsns = {"users": settings.users_db_dsn}
    applied: dict[str, list[str]] = {}
    for database, contexts in DATABASES.items():
        await ensure_database(dsns[database])
        applied[database] = await migrate(dsns[database], contexts)
    return applied


async def bootstrap(settings: Settings, *, consumers: list[str] | None = None, clock: Clock | None = None) -> Runtime:
    """Wire the profile. ``clock`` replaces the system clock (tests move time by hand)."""
    container = punq.Container()
    bus = InProcessEventBus()
    runtime = Runtime(settings=settings, container=container, bus=bus, health_checks=[])
    _register_common(container, settings, bus, clock)
    if settings.uses_infra:
        try:
            await _register_infra(container, settings, runtime)
        except BaseException:
            await runtime.close()
            raise
    else:
        runtime.health_checks.extend(_register_memory(container, bus))
    container.register(Runtime, instance=runtime)
    subscribe_all(bus, container, consumers)
    return runtime


__all__ = ["DATABASES", "USE_CASES", "MemoryAccountRepository", "Runtime", "bootstrap"]
