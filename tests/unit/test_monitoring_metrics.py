"""The metrics move: the in-process bus counts what it publishes and what its consumers handled, periodic
workers count their passes, the outbox relay measures its backlog as it runs, the saga census counts the
sagas and how long the oldest has been at its step, and `consume`/`work` serve them on a port of their own."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry

from adapters.event_metrics import EventMetrics
from adapters.memory.clock import ManualClock
from adapters.memory.event_bus import InProcessEventBus
from adapters.memory.orchestrator import MemoryOrchestratorUnitOfWork, MemorySagaCensus, SagaTables
from config.container import bootstrap
from core.orchestrator.model import Saga, SagaLine
from core.shared.addresses import PostalAddress
from core.shared.errors import Unavailable
from core.shared.events import Event, domain_event, to_envelope
from core.shared.money import Money
from entrypoints.http.ops import monitoring_app
from entrypoints.workers.metrics import OutboxMetrics, SagaMetrics, WorkerMetrics
from entrypoints.workers.outbox_relay import OutboxRelayWorker
from entrypoints.workers.periodic import PeriodicWorker
from ports.shared import OutboxBacklog
from tests.support.events import RecordingEventBus
from tests.support.metrics import value
from tests.support.settings import memory_settings

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ADDRESS = PostalAddress(recipient="Ann", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE")


@domain_event("parcels.ParcelWeighed.v1", key="parcel_id")
@attrs.frozen(kw_only=True)
class ParcelWeighed(Event):
    parcel_id: str


async def test_the_bus_counts_events_published_and_each_groups_outcome() -> None:
    registry = CollectorRegistry()
    bus = InProcessEventBus()
    bus.metrics = EventMetrics(registry)

    async def fine(event: Event) -> None:
        return None

    async def broken(event: Event) -> None:
        raise ValueError("no scale")

    async def away(event: Event) -> None:
        raise Unavailable("the database is away")

    bus.subscribe("tracking", ParcelWeighed, fine)
    bus.subscribe("billing", ParcelWeighed, broken)
    bus.subscribe("search", ParcelWeighed, away)
    with pytest.raises(Exception, match="failed"):
        await bus.publish([to_envelope(ParcelWeighed(occurred_at=NOW, parcel_id=p)) for p in ("a", "b")])

    kind = "parcels.ParcelWeighed.v1"
    assert value(registry, "marketplace_events_published_total", type=kind) == 2
    events = "marketplace_consumer_events_total"
    assert value(registry, events, group="tracking", type=kind, outcome="handled") == 2
    assert value(registry, events, group="billing", type=kind, outcome="failed") == 2
    assert value(registry, events, group="search", type=kind, outcome="unavailable") == 2
    assert value(registry, "marketplace_consumer_handler_duration_seconds_count", group="tracking") == 2


async def test_a_periodic_worker_counts_its_passes_and_what_they_took_on() -> None:
    registry = CollectorRegistry()
    outcomes = iter([3, ValueError("gateway away"), 2])

    async def job() -> int:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    worker = PeriodicWorker("payment-errors", job, 60)
    worker.metrics = WorkerMetrics(registry)
    await worker.run_once()
    with pytest.raises(ValueError, match="gateway away"):
        await worker.run_once()
    await worker.run_once()

    assert value(registry, "marketplace_worker_passes_total", worker="payment-errors", outcome="ok") == 2
    assert value(registry, "marketplace_worker_passes_total", worker="payment-errors", outcome="failed") == 1
    assert value(registry, "marketplace_worker_items_total", worker="payment-errors") == 5
    assert value(registry, "marketplace_worker_last_success_timestamp_seconds", worker="payment-errors") > 0


class BackloggedRelay:
    def __init__(self, pending: int) -> None:
        self.pending = pending

    async def relay_once(self, batch_size: int = 100) -> int:
        moved = min(batch_size, self.pending)
        self.pending -= moved
        return moved

    async def purge(self, older_than: timedelta) -> int:
        return 0

    async def backlog(self) -> OutboxBacklog:
        return OutboxBacklog(self.pending, 1, 42.0 if self.pending else 0.0)


async def test_the_outbox_relay_measures_its_backlog_as_it_runs() -> None:
    registry = CollectorRegistry()
    relay = BackloggedRelay(pending=250)
    worker = OutboxRelayWorker(relay, database="orders", metrics=OutboxMetrics(registry), poll_seconds=0.01)

    await worker.measure()
    assert value(registry, "marketplace_outbox_pending_events", database="orders") == 250
    assert value(registry, "marketplace_outbox_oldest_pending_age_seconds", database="orders") == 42

    task = asyncio.get_running_loop().create_task(worker.run())
    for _ in range(200):
        await asyncio.sleep(0.01)
        if value(registry, "marketplace_outbox_published_events_total", database="orders") == 250:
            break
    worker.stop()
    await task
    await worker.measure()

    assert value(registry, "marketplace_outbox_published_events_total", database="orders") == 250
    assert value(registry, "marketplace_outbox_pending_events", database="orders") == 0
    assert value(registry, "marketplace_outbox_dead_events", database="orders") == 1
    assert value(registry, "marketplace_outbox_oldest_pending_age_seconds", database="orders") == 0


def checkout(order_id: str, clock: ManualClock) -> Saga:
    return Saga.checkout(
        order_id=order_id,
        customer_id="customer-1",
        lines=[SagaLine("lamp", 1)],
        total=Money(2499, "EUR"),
        address=ADDRESS,
        payment_token="tok_visa",
        now=clock.now(),
    )


async def test_the_saga_census_counts_sagas_by_state_and_ages_the_oldest_at_each_step() -> None:
    clock = ManualClock(NOW)
    tables = SagaTables()
    registry = CollectorRegistry()
    gauges = SagaMetrics(registry, MemorySagaCensus(tables), clock)
    async with MemoryOrchestratorUnitOfWork(tables, RecordingEventBus()) as uow:
        await uow.sagas.add(checkout("order-1", clock))
        clock.advance(60)
        await uow.sagas.add(checkout("order-2", clock))
        moved = checkout("order-3", clock)
        clock.advance(30)
        moved.stock_answered(True, clock.now())  # on to authorize_payment, 30 s after it started
        await uow.sagas.add(moved)
        await uow.commit()
    clock.advance(10)

    assert await gauges.take() == 3
    sagas = "marketplace_sagas"
    assert value(registry, sagas, kind="checkout", status="running", step="reserve_stock") == 2
    assert value(registry, sagas, kind="checkout", status="running", step="authorize_payment") == 1
    longest = "marketplace_saga_longest_at_step_seconds"
    assert value(registry, longest, kind="checkout", step="reserve_stock") == 100
    assert value(registry, longest, kind="checkout", step="authorize_payment") == 10
    clock.advance(5)  # the ages count to the scrape, not to the census
    assert value(registry, longest, kind="checkout", step="authorize_payment") == 15


async def test_the_monitoring_listener_serves_metrics_and_health() -> None:
    runtime = await bootstrap(memory_settings())
    try:
        await runtime.run_periodic("saga-census")
        async with TestClient(TestServer(monitoring_app(runtime))) as client:
            metrics = await client.get("/metrics")
            text = await metrics.text()
            live = await client.get("/health/live")
            ready = await client.get("/health/ready")
        assert metrics.status == live.status == ready.status == 200
        for family in ("marketplace_sagas", "marketplace_worker_passes_total", "marketplace_process_cpu_seconds_total"):
            assert f"# TYPE {family} " in text, family
        assert 'marketplace_worker_passes_total{outcome="ok",worker="saga-census"} 1.0' in text
    finally:
        await runtime.close()
