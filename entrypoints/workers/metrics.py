"""What the workers count, on a runtime's metrics registry: each periodic worker's passes (the payment
error worker, the shipment poller, the saga sweeper...), each outbox relay's events and backlog, and the
sagas' census.

The backlog of an outbox (events committed, not published yet) takes a query: the relay measures it as it
runs (``OutboxRelayWorker``), every ``refresh`` seconds, and ``/metrics`` shows the last measure, never
querying itself. Several processes relaying the same database each show the same backlog: read it with
``max by (database)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

from ports.orchestrator import SagaCensus, SagaTally
from ports.shared import Clock, OutboxBacklog

PASS_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.passes = Counter(
            "marketplace_worker_passes",
            "Passes of a periodic worker, by worker and outcome (ok, failed).",
            ["worker", "outcome"],
            registry=registry,
        )
        self.items = Counter(
            "marketplace_worker_items",
            "What a periodic worker's passes took on (payments retried, parcels polled, sagas resumed...).",
            ["worker"],
            registry=registry,
        )
        self.duration = Histogram(
            "marketplace_worker_pass_duration_seconds",
            "How long a periodic worker's pass took, by worker.",
            ["worker"],
            registry=registry,
            buckets=PASS_BUCKETS,
        )
        self.last_success = Gauge(
            "marketplace_worker_last_success_timestamp_seconds",
            "When a periodic worker's last pass succeeded (Unix time), by worker.",
            ["worker"],
            registry=registry,
        )

    def passed(self, worker: str, items: int, seconds: float) -> None:
        self.passes.labels(worker, "ok").inc()
        self.items.labels(worker).inc(items)
        self.duration.labels(worker).observe(seconds)
        self.last_success.labels(worker).set(time.time())

    def failed(self, worker: str, seconds: float) -> None:
        self.passes.labels(worker, "failed").inc()
        self.duration.labels(worker).observe(seconds)


class OutboxMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.published = Counter(
            "marketplace_outbox_published_events",
            "Outbox events the relays of this process published, by database.",
            ["database"],
            registry=registry,
        )
        self.failures = Counter(
            "marketplace_outbox_relay_failures",
            "Outbox relay passes that failed (the broker or the database away), by database.",
            ["database"],
            registry=registry,
        )
        self.pending = Gauge(
            "marketplace_outbox_pending_events",
            "Outbox events committed and not published yet, by database (as last measured).",
            ["database"],
            registry=registry,
        )
        self.dead = Gauge(
            "marketplace_outbox_dead_events",
            "Outbox events set aside after too many failed publishes, by database (as last measured).",
            ["database"],
            registry=registry,
        )
        self.oldest = Gauge(
            "marketplace_outbox_oldest_pending_age_seconds",
            "How long the oldest unpublished outbox event has waited, by database (as last measured).",
            ["database"],
            registry=registry,
        )

    def measured(self, database: str, backlog: OutboxBacklog) -> None:
        self.pending.labels(database).set(backlog.pending)
        self.dead.labels(database).set(backlog.dead)
        self.oldest.labels(database).set(backlog.oldest_pending_seconds)


class SagaMetrics:
    """The sagas by kind, status and step, and how long the running saga longest at each step has been
    there (a saga stuck at a step its sweeper keeps repeating is what an alert looks for). The census is
    taken by the saga sweeper's process every ``metrics_refresh_seconds`` (``take``); ``/metrics`` shows
    the last one, the ages counted to the moment of the scrape."""

    def __init__(self, registry: CollectorRegistry, census: SagaCensus, clock: Clock) -> None:
        self.census, self.clock = census, clock
        self.tallies: list[SagaTally] = []
        registry.register(self)

    async def take(self) -> int:
        self.tallies = await self.census.tally()
        return sum(t.count for t in self.tallies)

    def collect(self) -> Iterator[Metric]:
        sagas = GaugeMetricFamily(
            "marketplace_sagas",
            "Sagas by kind, status and step (ended ones are at step done), as last counted.",
            labels=["kind", "status", "step"],
        )
        longest = GaugeMetricFamily(
            "marketplace_saga_longest_at_step_seconds",
            "How long the running saga longest at a step has been there, by kind and step.",
            labels=["kind", "step"],
        )
        now = self.clock.now()
        for tally in self.tallies:
            sagas.add_metric([tally.kind, tally.status, tally.step], tally.count)
            if tally.oldest_at_step is not None:
                age = max(0.0, (now - tally.oldest_at_step).total_seconds())
                longest.add_metric([tally.kind, tally.step], age)
        return iter((sagas, longest))


def payment_retries(registry: CollectorRegistry) -> Callable[[str, str], None]:
    """What the payment error worker's retries came to, counted (``RetryPaymentOperations``' observer)."""
    retries = Counter(
        "marketplace_payment_retries",
        "Retries of the payment error worker, by operation (authorize, capture, void, refund) and outcome "
        "(settled: the gateway answered; failed_again: tried later; gave_up: failed for good).",
        ["operation", "outcome"],
        registry=registry,
    )
    return lambda operation, outcome: retries.labels(operation, outcome).inc()
