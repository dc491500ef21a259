"""What ``bootstrap`` builds: the ``Runtime`` entrypoints use, and the ``Wiring`` context modules fill."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Collection, Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs
import punq
from prometheus_client import CollectorRegistry

from adapters.event_metrics import EventMetrics
from adapters.memory.event_bus import InProcessEventBus
from adapters.memory.inbox import MemoryInbox
from adapters.outbound import OutboundMetrics
from adapters.tracing import NO_TRACING, Tracing
from config.settings import Settings
from entrypoints.workers.metrics import WorkerMetrics
from entrypoints.workers.outbox_relay import OutboxRelayWorker
from entrypoints.workers.periodic import PeriodicWorker
from ports.shared import EventPublisher, HealthCheck, Inbox, UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from adapters.kafka.consumers import KafkaConsumerGroups

T = TypeVar("T")
# The worker name of the consumer groups on infra (`marketplace consume` runs them): Kafka feeds them.
CONSUMERS = "consumers"
# The workers every process runs, whatever it was started for (the upkeep of the process itself).
PROCESS = "process"
U = TypeVar("U", bound=UnitOfWork)


class EventStream(Protocol):
    """Events sent on by a task of their own (``adapters.activity_stream``): ``settle`` waits for them."""

    published: int

    async def flush(self) -> None: ...


@attrs.define
class Runtime:
    settings: Settings
    container: punq.Container
    bus: InProcessEventBus
    # Where committed events go: the in-process bus on memory, Kafka on infra (the outbox relays use it).
    publisher: EventPublisher
    health_checks: list[HealthCheck] = attrs.Factory(list)
    # What ``settle`` waits for besides the events: work that runs elsewhere (the sagas on Temporal).
    quiet_checks: list[Callable[[], Awaitable[None]]] = attrs.Factory(list)
    # Worker name (as `marketplace work <name>` takes it) -> the loops it runs.
    workers: dict[str, list[Callable[[], Coroutine[Any, Any, None]]]] = attrs.Factory(dict)
    relays: list[OutboxRelayWorker] = attrs.Factory(list)
    streams: list[EventStream] = attrs.Factory(list)  # events sent without an outbox (shoppers' activity)
    periodic: dict[str, PeriodicWorker] = attrs.Factory(dict)
    inboxes: dict[str, Inbox] = attrs.Factory(dict)
    metrics: CollectorRegistry = attrs.Factory(CollectorRegistry)  # what GET /metrics exports
    consumer_groups: KafkaConsumerGroups | None = None  # infra: the consumers Kafka feeds
    tracing: Tracing = NO_TRACING  # the spans this process records (settings.traces; adapters.tracing)
    _closers: list[Callable[[], Awaitable[Any]]] = attrs.Factory(list)
    _tasks: list[asyncio.Task[None]] = attrs.Factory(list)
    _built: dict[Any, Any] = attrs.Factory(dict)
    _consuming: list[str] = attrs.Factory(list)  # the consumer groups this process runs (infra)
    _worker_metrics: WorkerMetrics | None = None

    def resolve(self, key: type[T]) -> T:
        """The one instance of ``key`` (a use case, a desk...), built by the container on first use.

        Use cases are stateless (a unit of work is opened inside each call), so one instance serves every
        request, consumer and worker: the object graph is built once, not per call.
        """
        try:
            built: T = self._built[key]
        except KeyError:
            built = self._built[key] = self.container.resolve(key)
        return built

    def provides(self, key: type[Any]) -> bool:
        """Whether this profile wires ``key`` at all (the HTTP layer serves some routes only then)."""
        try:
            self.resolve(key)
        except punq.MissingDependencyError:
            return False
        return True

    def inbox(self, group: str) -> Inbox:
        """Where consumer ``group`` remembers what it handled (its context's database on infra)."""
        return self.inboxes.setdefault(group, MemoryInbox(self.settings.inbox_retention_seconds))

    def on_close(self, close: Callable[[], Awaitable[Any]]) -> None:
        self._closers.append(close)

    def add_worker(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.workers.setdefault(name, []).append(work)

    def add_periodic(self, worker: PeriodicWorker, *, under: str | None = None) -> None:
        """``worker`` runs as the worker of its name, or as one more loop of worker ``under``."""
        if self._worker_metrics is None:
            self._worker_metrics = WorkerMetrics(self.metrics)
        worker.metrics = self._worker_metrics
        self.periodic[worker.name] = worker
        self.add_worker(under or worker.name, worker.run)

    async def run_periodic(self, name: str) -> int:
        """One pass of a periodic worker now (tests use it, so time moves only when they say)."""
        return await self.periodic[name].run_once()

    def start_background(self, names: Collection[str] | None = None) -> None:
        """Run the in-process workers (all, or those named, and the process's own) as tasks of the current loop."""
        for name, loops in self.workers.items():
            if names is None or name in names or name == PROCESS:
                for work in loops:
                    self._tasks.append(asyncio.get_running_loop().create_task(work()))
                if name == CONSUMERS and self.consumer_groups is not None:
                    self._consuming = self.consumer_groups.groups

    async def settle(self) -> None:
        """Publish every committed event now, and what its consumers committed in turn, until quiet.

        Quiet means a drain of every relay after which nothing has been published since the consumer
        groups running in this process (on infra, fed by Kafka) last caught up with the broker, whether
        by the drains or by a background pass (whose consumers may have committed new events in another
        database), and the work elsewhere they set going (``quiet_checks``: the sagas on Temporal) waits for
        news. Without consumer groups here, quiet is a round of drains that published nothing. Every round
        first sends on what the event streams (shoppers' activity) hold.
        """
        caught_up_with: int | None = None
        while True:
            for stream in self.streams:
                await stream.flush()
            if not self.relays:
                return  # in one process the bus handed every event on as it was published
            await asyncio.gather(*(relay.drain() for relay in self.relays))  # a database each: side by side
            published = sum(relay.published for relay in self.relays) + sum(s.published for s in self.streams)
            if published == caught_up_with:
                return
            caught_up_with = published
            if self.consumer_groups is not None and self._consuming:
                await self.consumer_groups.caught_up(*self._consuming)
            for quiet in self.quiet_checks:
                await quiet()

    async def close(self) -> None:
        for relay in self.relays:
            relay.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for close in reversed(self._closers):
            with contextlib.suppress(Exception):
                await close()


@attrs.define
class Wiring:
    """What a context's wiring module (config/wiring/<context>.py) needs to register its adapters."""

    settings: Settings
    container: punq.Container
    bus: InProcessEventBus
    runtime: Runtime
    pools: dict[str, Any] = attrs.Factory(dict)  # database name -> asyncpg pool (infra profile)
    redis: Any = None  # the Redis client (infra profile)
    s3: Any = None  # the S3 bucket of media, adapters.s3.storage.S3Bucket (infra profile)
    nudges: dict[str, Callable[[], None]] = attrs.Factory(dict)  # database name -> wake its outbox relay
    _outbound: OutboundMetrics | None = None
    _events: EventMetrics | None = None

    @property
    def outbound_metrics(self) -> OutboundMetrics:
        """What every call to another company's API counts, on the runtime's metrics registry."""
        if self._outbound is None:
            self._outbound = OutboundMetrics(self.runtime.metrics)
        return self._outbound

    @property
    def event_metrics(self) -> EventMetrics:
        """What the event backbone counts (published, handled, dead letters, lag), on the runtime's registry."""
        if self._events is None:
            self._events = EventMetrics(self.runtime.metrics)
        return self._events

    @property
    def infra(self) -> bool:
        return self.settings.uses_infra

    def pool(self, database: str) -> Any:
        return self.pools[database]

    def nudge(self, database: str) -> Callable[[], None]:
        return self.nudges[database]

    def use_cases(self, *classes: type) -> None:
        for use_case in classes:
            self.container.register(use_case, scope=punq.Scope.singleton)

    def units_of_work(self, port: type[U], open_unit: Callable[[], U]) -> None:
        """How ``port``'s units of work are opened: use cases that take ``UnitOfWorkFactory[port]`` get
        ``open_unit`` and call it once per transaction."""
        self.container.register(_factory_key(port), instance=open_unit)

    def units_of_work_of(self, port: type[U]) -> Callable[[], U]:
        opener: Callable[[], U] = self.container.resolve(_factory_key(port))
        return opener

    def inbox_in(self, database: str, group: str) -> None:
        """Consumer ``group`` keeps its inbox in ``database`` (on infra; in memory otherwise)."""
        if self.infra:
            from adapters.postgres.inbox import PostgresInbox

            self.runtime.inboxes[group] = PostgresInbox(self.pool(database))


def _factory_key(port: type[UnitOfWork]) -> Any:
    """The container's key for ``port``'s factory: the very type use cases annotate their argument with."""
    return UnitOfWorkFactory[port]  # type: ignore[valid-type,misc]
