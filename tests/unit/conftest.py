"""The auth and users use cases over the in-memory adapters, wired by hand (not through config.container).

Time is a ``ManualClock`` plus a monotonic callable the tests advance together; ids are sequential; the
password hasher is real argon2id with cheap parameters. Every use case gets a fresh unit of work over the
shared tables, as the container's factories give it in production.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.system import Argon2PasswordHasher
from core.auth.events import AccountDeleted, UserRegistered
from core.auth.use_cases import AuthPolicy
from core.shared.events import Event
from core.users.commands import CreateProfile, EraseUserData
from core.users.model import AddressFields
from tests.support.events import RecordingEventBus

from .harness import AuthApp, Monotonic, Published, UsersApp


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def monotonic() -> Monotonic:
    return Monotonic()


@pytest.fixture
def advance(clock: ManualClock, monotonic: Monotonic) -> Callable[[float], None]:
    """Move wall-clock and monotonic time forward together."""

    def move(seconds: float) -> None:
        clock.advance(seconds)
        monotonic.advance(seconds)

    return move


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds()


@pytest.fixture
def bus() -> RecordingEventBus:
    return RecordingEventBus()


@pytest.fixture
def published(bus: RecordingEventBus) -> Published:
    return Published(bus)


@pytest.fixture(scope="session")
def hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(time_cost=1, memory_kib=1024)


@pytest.fixture
def policy() -> AuthPolicy:
    return AuthPolicy(
        session_ttl_seconds=3600,
        failures_per_account=3,
        failures_per_address=5,
        failure_window_seconds=600,
        max_sessions_per_user=10,
    )


@pytest.fixture
def auth(
    clock: ManualClock,
    monotonic: Monotonic,
    ids: SequentialIds,
    bus: RecordingEventBus,
    hasher: Argon2PasswordHasher,
    policy: AuthPolicy,
) -> AuthApp:
    return AuthApp(clock, monotonic, ids, bus, hasher, policy)


@pytest.fixture
def users(clock: ManualClock, ids: SequentialIds, bus: RecordingEventBus) -> UsersApp:
    return UsersApp(clock, ids, bus)


@pytest.fixture
def wired(bus: RecordingEventBus, auth: AuthApp, users: UsersApp) -> tuple[AuthApp, UsersApp]:
    """Auth and users talking through the bus, as entrypoints/consumers/users.py subscribes them."""

    async def on_registered(event: Event) -> None:
        assert isinstance(event, UserRegistered)
        await users.create_profile(CreateProfile(event.user_id, event.display_name))

    async def on_deleted(event: Event) -> None:
        assert isinstance(event, AccountDeleted)
        await users.erase(EraseUserData(event.user_id))

    bus.subscribe("users", UserRegistered, on_registered)
    bus.subscribe("users", AccountDeleted, on_deleted)
    return auth, users


@pytest.fixture
def make_address() -> Callable[..., AddressFields]:
    """Valid address fields, any of them overridden."""

    def make(**overrides: object) -> AddressFields:
        values: dict[str, object] = {
            "recipient": "Alice Example",
            "line1": "Hauptstrasse 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        }
        values.update(overrides)
        return AddressFields(**values)  # type: ignore[arg-type]

    return make
