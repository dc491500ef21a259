"""Ports every context uses: time, ids, counting in windows, the unit of work, event publishing, inbox, health."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self, TypeAlias, TypeVar

from core.shared.events import Event, EventEnvelope


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        ...


class WindowCounter(Protocol):
    """Counts what happens per key (a failed login, a request to a rate-limited route) within a fixed window
    that starts at the first count and ends ``window_seconds`` later."""

    async def add(self, key: str, window_seconds: int) -> tuple[int, int]:
        """Count one; return (the count in the window, seconds until the window ends)."""
        ...

    async def get(self, key: str) -> tuple[int, int]:
        """(the count in the window, seconds until it ends); (0, 0) when there is no window."""
        ...

    async def clear(self, key: str) -> None: ...


class IdGenerator(Protocol):
    def new_id(self) -> str: ...


class UnitOfWork(Protocol):
    """One transaction. Use cases write ``async with uow: ...; await uow.commit()``.

    Leaving the block without ``commit`` rolls back. ``commit`` stores the events raised by the
    aggregates the repositories handed out, in the same transaction (the outbox); they are published
    only once the change is durable.
    """

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkT = TypeVar("UnitOfWorkT", bound=UnitOfWork)

# What a use case holds to reach its context's data: each call opens a new unit of work
# (``async with self.uow() as uow:``). Use cases are built once and shared by every request, so no two
# calls ever share a transaction.
UnitOfWorkFactory: TypeAlias = Callable[[], UnitOfWorkT]


class EventPublisher(Protocol):
    """Delivers committed events to the consumers (the in-process bus now, Kafka later)."""

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None: ...


EventHandler = Callable[[Event], Awaitable[None]]
# Takes a batch of envelopes of any type (the analytics group keeps every event, even of types it does not know).
BatchHandler = Callable[[Sequence[EventEnvelope]], Awaitable[None]]


class EventSubscriber(Protocol):
    """Where consumers register: one handler per (consumer group, event type)."""

    def subscribe(self, group: str, event_type: type[Event], handler: EventHandler) -> None: ...

    def subscribe_batches(self, group: str, handler: BatchHandler) -> None:
        """``group`` takes every event of every topic, many at once (by size and time on Kafka); a batch is
        acknowledged once ``handler`` returned, so it must be idempotent per event."""
        ...


class Inbox(Protocol):
    """Event ids a consumer group has already handled, so a redelivered event is skipped."""

    async def seen(self, group: str, event_id: str) -> bool: ...

    async def remember(self, group: str, event_id: str) -> None: ...


class OutboxRelay(Protocol):
    """Moves committed outbox events to the publisher, oldest first."""

    async def relay_once(self, batch_size: int = 100) -> int:
        """Publish at most ``batch_size`` pending events; return how many were published."""
        ...

    async def purge(self, older_than: timedelta) -> int:
        """Forget events published more than ``older_than`` ago (dead letters stay); return how many."""
        ...

    async def backlog(self) -> OutboxBacklog:
        """What waits in the outbox now (monitoring reads it)."""
        ...


@dataclass(frozen=True)
class OutboxBacklog:
    pending: int  # committed, not published yet
    dead: int  # set aside after too many failed publishes
    oldest_pending_seconds: float  # how long the oldest pending event has waited (0 when none)


@dataclass(frozen=True)
class DeadLetter:
    """An event a consumer group gave up on, and why."""

    position: str  # where it sits among the dead letters (partition:offset)
    group: str
    event_type: str
    event_id: str
    key: str
    error: str
    attempts: int
    source: str  # where it was read from (topic:partition:offset)
    replayed: bool


class DeadLetters(Protocol):
    """The events consumer groups gave up on, for a person to look at and send back."""

    async def list(self) -> list[DeadLetter]: ...

    async def replay(self) -> int:
        """Send every dead letter not replayed yet back to its topic; return how many."""
        ...


class HealthCheck(Protocol):
    name: str

    async def check(self) -> None:
        """Return when the dependency answers; raise when it does not."""
        ...
