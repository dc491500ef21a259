"""What every unit of work does alike: remember the aggregates it handed out, and collect their events."""

from __future__ import annotations

from adapters.tracing import current_traceparent
from core.shared.events import Aggregate, EventEnvelope, to_envelope


class SeenAggregates:
    """Aggregates loaded or stored in one unit of work; their events are collected at commit."""

    def __init__(self) -> None:
        self._seen: dict[int, Aggregate] = {}

    def add(self, aggregate: Aggregate) -> None:
        self._seen[id(aggregate)] = aggregate

    def collect(self) -> list[EventEnvelope]:
        traceparent = current_traceparent()  # the span committing them, where traces are on
        envelopes = [to_envelope(e, traceparent=traceparent) for a in self._seen.values() for e in a.pull_events()]
        return envelopes

    def clear(self) -> None:
        for aggregate in self._seen.values():
            aggregate.pull_events()
        self._seen.clear()
