"""The one place that decides which adapter serves which port, per profile.

``bootstrap(settings)`` opens what the profile needs (a pool per PostgreSQL database, a Redis client,
the S3 bucket), lets each context's wiring module (config/wiring/<context>.py) register its adapters and
use cases in a punq container, subscribes the in-process consumers, and returns a ``Runtime`` whose
``close()`` releases it all. Entrypoints resolve use cases from ``runtime.container`` and never see an adapter.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import punq
from prometheus_client import ProcessCollector

from adapters.memory.event_bus import InProcessEventBus
from adapters.memory.window_counter import MemoryWindowCounter
from adapters.system import SystemClock, Uuid7Ids, limit_malloc_arenas, trim_malloc
from adapters.tracing import Tracing, start_tracing
from config.contexts import CONTEXTS, databases
from config.runtime import CONSUMERS, PROCESS, Runtime, Wiring
from config.settings import Settings, development_secrets, origin
from entrypoints.workers.metrics import OutboxMetrics
from entrypoints.workers.outbox_relay import OutboxRelayWorker
from entrypoints.workers.periodic import PeriodicWorker
from ports.checkout import OrderDesk, PaymentDesk, ShippingDesk, StockDesk
from ports.shared import Clock, DeadLetters, EventPublisher, EventSubscriber, IdGenerator, WindowCounter

if TYPE_CHECKING:
    from adapters.s3.storage import S3Location

log = logging.getLogger(__name__)

OUTBOX_RELAY = "outbox-relay"

# The PostgreSQL databases and the contexts whose schemas each holds.
DATABASES = databases()


def database_dsn(settings: Settings, database: str) -> str:
    dsn: str = getattr(settings, f"{database}_db_dsn")
    return dsn


async def migrate_all(settings: Settings) -> dict[str, list[str]]:
    """Create each database if missing and apply its contexts' migrations; return what was applied."""
    from adapters.postgres.migrations import ensure_database, migrate

    applied: dict[str, list[str]] = {}
    for database, contexts in DATABASES.items():
        dsn = database_dsn(settings, database)
        await ensure_database(dsn)
        applied[database] = await migrate(dsn, contexts)
    return applied


def context_topics(settings: Settings) -> list[str]:
    """Every context's topic: the events a group taking every event reads."""
    return [f"{settings.kafka_topic_prefix}.{context.name}" for context in CONTEXTS]


def topics(settings: Settings) -> list[str]:
    """Every context's topic and the dead-letter topic."""
    from adapters.kafka.topics import dead_letter_topic

    return [*context_topics(settings), dead_letter_topic(settings.kafka_topic_prefix)]


async def create_topics(settings: Settings) -> list[str]:
    """Create the topics that are missing (``marketplace migrate`` and every infra start-up do)."""
    from adapters.kafka.topics import ensure_topics

    return await ensure_topics(settings.kafka_bootstrap_servers, topics(settings), settings.kafka_partitions)


def s3_location(settings: Settings) -> S3Location:
    """Where the media bucket is (infra), as adapters.s3 takes it."""
    from adapters.s3.storage import S3Location

    return S3Location(
        endpoint_url=settings.s3_endpoint_url,
        bucket=settings.s3_bucket,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
        public_endpoint_url=settings.s3_public_endpoint_url,
        timeout_seconds=settings.s3_timeout_seconds,
        browser_origins=(origin(settings.public_base_url),),
    )


async def create_bucket(settings: Settings) -> bool:
    """Create the media bucket if it is missing (``marketplace migrate`` and every infra start-up do)."""
    from adapters.s3.storage import S3Bucket

    bucket = await S3Bucket.open(s3_location(settings))
    try:
        return await bucket.ensure()
    finally:
        await bucket.close()


def dead_letters(settings: Settings) -> tuple[DeadLetters, Callable[[], Awaitable[None]]]:
    """The dead-letter topic's desk (infra), and what closes it after use."""
    from adapters.kafka.dead_letters import KafkaDeadLetters
    from adapters.kafka.publisher import KafkaEventPublisher

    publisher = KafkaEventPublisher(settings.kafka_bootstrap_servers, settings.kafka_topic_prefix)
    return KafkaDeadLetters(settings.kafka_bootstrap_servers, settings.kafka_topic_prefix, publisher), publisher.close


def warn_of_development_secrets(settings: Settings) -> None:
    """Credentials come from settings alone, and their defaults are the development servers' (the sandboxes,
    moto): fine on a laptop, a hole in front of real traffic, so an infra shop that kept one says so."""
    names = development_secrets(settings)
    if names:
        log.warning("still at their development values, to set before real traffic: %s", ", ".join(names))


MALLOC_TRIM = "malloc-trim"


async def _trim() -> int:
    """One pass of the process's malloc trim: 1 when glibc gave memory back (a few ms; see trim_malloc)."""
    return int(trim_malloc())


def _window_counter(w: Wiring) -> WindowCounter:
    """Failed logins and rate-limited requests are counted in Redis on infra, shared by every process."""
    if w.infra:
        from adapters.redis.window_counter import RedisWindowCounter

        return RedisWindowCounter(w.redis)
    return MemoryWindowCounter()


async def _open_infra(w: Wiring) -> None:
    # Imported here so the memory profile runs without the database drivers and Kafka's client loaded.
    from adapters.kafka.consumers import KafkaConsumerGroups
    from adapters.kafka.publisher import KafkaEventPublisher, KafkaHealth
    from adapters.postgres.outbox import PostgresOutboxRelay
    from adapters.postgres.pool import PostgresHealth, create_pool
    from adapters.redis.client import RedisHealth, create_redis
    from adapters.s3.storage import S3Bucket, S3Health

    s, runtime = w.settings, w.runtime
    await _once(("topics", s.kafka_bootstrap_servers, s.kafka_topic_prefix), lambda: create_topics(s))
    publisher = KafkaEventPublisher(s.kafka_bootstrap_servers, s.kafka_topic_prefix)
    publisher.metrics = w.event_metrics
    publisher.tracing = runtime.tracing
    runtime.on_close(publisher.close)
    runtime.publisher = publisher
    runtime.health_checks.append(KafkaHealth("kafka", publisher))
    runtime.consumer_groups = KafkaConsumerGroups(
        s.kafka_bootstrap_servers,
        s.kafka_topic_prefix,
        publisher,
        max_attempts=s.consumer_max_attempts,
        fetch_max_wait_ms=s.kafka_fetch_max_wait_ms,
        metrics=w.event_metrics,
        batch_size=s.analytics_batch_size,
        batch_linger_seconds=s.analytics_batch_seconds,
        every_topic=context_topics(s),
    )
    runtime.consumer_groups.tracing = runtime.tracing
    outbox_metrics = OutboxMetrics(runtime.metrics)
    for database in DATABASES:
        pool = await create_pool(database_dsn(s, database), s.db_pool_min, s.db_pool_max, s.db_timeout_seconds)
        runtime.on_close(pool.close)
        w.pools[database] = pool
        relay = OutboxRelayWorker(
            PostgresOutboxRelay(pool, publisher, inbox_retention=timedelta(seconds=s.inbox_retention_seconds)),
            poll_seconds=s.outbox_poll_seconds,
            retention=timedelta(hours=s.outbox_retention_hours),
            database=database,
            metrics=outbox_metrics,
            refresh_seconds=s.metrics_refresh_seconds,
        )
        runtime.relays.append(relay)
        runtime.add_worker(OUTBOX_RELAY, relay.run)
        w.nudges[database] = relay.nudge
        runtime.health_checks.append(PostgresHealth(f"postgres.{database}", pool))
    w.redis = create_redis(s.redis_url, s.redis_timeout_seconds)
    runtime.on_close(w.redis.aclose)
    runtime.health_checks.append(RedisHealth("redis", w.redis))
    w.s3 = await S3Bucket.open(s3_location(s))
    runtime.on_close(w.s3.close)
    await _once(("bucket", s.s3_endpoint_url, s.s3_bucket), w.s3.ensure)
    runtime.health_checks.append(S3Health("s3", w.s3))


# What this process has made sure exists (the topics, the bucket): a process that wires the profile again
# (the tests start a fresh runtime for each test) does not ask the servers again.
_ENSURED: set[tuple[str, ...]] = set()


async def _once(key: tuple[str, ...], ensure: Callable[[], Awaitable[object]]) -> None:
    if key not in _ENSURED:
        await ensure()
        _ENSURED.add(key)


def _trace_saga_commands(container: punq.Container, tracing: Tracing) -> None:
    """Each command a saga gives a desk (reserve stock, authorize the payment, confirm the order, book the
    shipment...) in a span of its own, ``saga.<desk>.<command>``. The sagas' use cases are built on first use,
    after this: they get the traced desks."""
    if not tracing.on:
        return
    desks: dict[type, str] = {
        StockDesk: "stock",
        PaymentDesk: "payments",
        OrderDesk: "orders",
        ShippingDesk: "shipping",
    }
    for port, name in desks.items():
        container.register(port, instance=tracing.wrap(container.resolve(port), f"saga.{name}"))


async def bootstrap(
    settings: Settings,
    *,
    consumers: list[str] | None = None,
    clock: Clock | None = None,
    service: str = "marketplace",
    tracing: Tracing | None = None,
) -> Runtime:
    """Wire the profile. ``clock`` replaces the system clock (tests move time by hand). ``service`` names the
    process in its traces; ``tracing`` replaces what ``settings.traces`` asks for (tests record in memory)."""
    limit_malloc_arenas(settings.malloc_arena_max)  # before the process's threads allocate
    container = punq.Container()
    bus = InProcessEventBus()
    runtime = Runtime(settings=settings, container=container, bus=bus, publisher=bus)
    runtime.tracing = bus.tracing = tracing if tracing is not None else start_tracing(settings.traces, service)
    if tracing is None:
        runtime.on_close(runtime.tracing.close)  # the last to close: it flushes the spans of the others
    w = Wiring(settings=settings, container=container, bus=bus, runtime=runtime)
    if settings.malloc_trim_seconds > 0:
        runtime.add_periodic(PeriodicWorker(MALLOC_TRIM, _trim, settings.malloc_trim_seconds), under=PROCESS)
    bus.metrics = w.event_metrics
    ProcessCollector(namespace="marketplace", registry=runtime.metrics)  # CPU, memory, open files
    container.register(Settings, instance=settings)
    container.register(Runtime, instance=runtime)
    container.register(Clock, instance=clock or SystemClock())
    container.register(IdGenerator, instance=Uuid7Ids())
    container.register(InProcessEventBus, instance=bus)
    container.register(EventPublisher, instance=bus)
    container.register(EventSubscriber, instance=bus)
    try:
        if settings.uses_infra:
            warn_of_development_secrets(settings)
            await _open_infra(w)
        container.register(WindowCounter, instance=_window_counter(w))
        for context in CONTEXTS:
            context.wiring.register(w)
            if context.consumers is not None and context.database is not None:
                w.inbox_in(context.database, group=context.name)
        _trace_saga_commands(container, runtime.tracing)
    except BaseException:
        await runtime.close()
        raise
    groups = runtime.consumer_groups
    for context in CONTEXTS:
        if context.consumers is not None and (consumers is None or context.name in consumers):
            # On infra each group is a Kafka consumer group (a worker of its own); on memory the bus
            # hands every committed event to the handlers at once.
            context.consumers.subscribe(bus if groups is None else groups, runtime)
            if groups is not None and context.name in groups.groups:  # a group that handles nothing has no consumer
                runtime.add_worker(CONSUMERS, functools.partial(groups.run, context.name))
    return runtime


__all__ = ["CONTEXTS", "DATABASES", "Runtime", "bootstrap", "database_dsn", "migrate_all"]
