"""What the event backbone counts, on a runtime's metrics registry: the events published by type (the
business figures: orders placed, payments failed...), each consumer group's tries by event type and
outcome and how long its handlers took, the events set aside as dead letters, and on Kafka each group's
lag per partition.

The in-process bus and the Kafka consumer groups share one ``EventMetrics`` per runtime. Counting is plain
dictionaries (the loop is one thread: no lock); the metric families are built only when ``/metrics`` is
scraped, and the lag is read then from the consumers' own bookkeeping (no request to the broker).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from core.shared.events import EventEnvelope

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
HANDLED, FAILED, UNAVAILABLE = "handled", "failed", "unavailable"

# (group, topic, partition, records not handled yet)
Lag = tuple[str, str, int, int]


class EventMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._published: dict[str, int] = {}
        self._tries: dict[tuple[str, str, str], int] = {}
        self._dead: dict[str, int] = {}
        # group -> [count per bucket (the last one +Inf, not cumulative)], [sum of seconds]
        self._durations: dict[str, tuple[list[int], list[float]]] = {}
        self.lag_sources: list[Callable[[], Iterable[Lag]]] = []
        registry.register(self)

    def published(self, envelopes: Sequence[EventEnvelope]) -> None:
        counts = self._published
        for envelope in envelopes:
            counts[envelope.type] = counts.get(envelope.type, 0) + 1

    def tried(self, group: str, event_type: str, outcome: str, seconds: float) -> None:
        """One try of ``group``'s handlers at an event: ``handled``, ``failed`` or ``unavailable``."""
        key = (group, event_type, outcome)
        self._tries[key] = self._tries.get(key, 0) + 1
        durations = self._durations.get(group)
        if durations is None:
            durations = self._durations[group] = ([0] * (len(BUCKETS) + 1), [0.0])
        durations[0][bisect.bisect_left(BUCKETS, seconds)] += 1
        durations[1][0] += seconds

    def dead_letter(self, group: str) -> None:
        self._dead[group] = self._dead.get(group, 0) + 1

    def collect(self) -> Iterator[Metric]:
        published = CounterMetricFamily(
            "marketplace_events_published",
            "Events handed to the publisher (Kafka, or the in-process bus), by type.",
            labels=["type"],
        )
        for event_type, count in self._published.items():
            published.add_metric([event_type], count)
        tries = CounterMetricFamily(
            "marketplace_consumer_events",
            "Tries of a consumer group's handlers at an event, by group, event type and outcome (handled; "
            "failed: tried again, or set aside after the last try; unavailable: an outage, tried again).",
            labels=["group", "type", "outcome"],
        )
        for (group, event_type, outcome), count in self._tries.items():
            tries.add_metric([group, event_type, outcome], count)
        durations = HistogramMetricFamily(
            "marketplace_consumer_handler_duration_seconds",
            "How long a consumer group's handlers took at one event (each try), by group.",
            labels=["group"],
        )
        bounds = [*(str(b) for b in BUCKETS), "+Inf"]
        for group, (counts, total) in self._durations.items():
            cumulative = list(itertools.accumulate(counts))
            durations.add_metric([group], list(zip(bounds, cumulative, strict=True)), total[0])
        dead = CounterMetricFamily(
            "marketplace_consumer_dead_letters",
            "Events a consumer group gave up on and set aside on the dead-letter topic, by group.",
            labels=["group"],
        )
        for group, count in self._dead.items():
            dead.add_metric([group], count)
        lag = GaugeMetricFamily(
            "marketplace_consumer_lag",
            "Records of a partition this process's consumer holds that its group has not handled yet "
            "(the partition's high watermark minus the group's next offset), by group, topic and partition.",
            labels=["group", "topic", "partition"],
        )
        for group, topic, partition, behind in itertools.chain.from_iterable(f() for f in self.lag_sources):
            lag.add_metric([group, topic, str(partition)], behind)
        return iter((published, tries, durations, dead, lag))
