"""The in-process event bus: the ``EventPublisher`` of the memory profile and of a single process.

Handlers subscribe per (consumer group, event type). ``publish`` hands each envelope to every handler
subscribed to its type. Envelopes of one key (one aggregate) are delivered one after the other, in the
order given; envelopes of different keys are delivered side by side, up to ``PARTITIONS`` keys at once,
as a Kafka consumer group works its partitions (an outbox batch of many orders does not wait order by
order). A handler that fails does not stop the others; ``publish`` raises once all were tried, so an outbox
relay keeps the events and delivers them again (the consumers' inbox skips the handlers that succeeded).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence

from adapters.event_metrics import FAILED, HANDLED, UNAVAILABLE, EventMetrics
from adapters.tracing import NO_TRACING, Tracing
from core.shared.errors import Unavailable
from core.shared.events import Event, EventEnvelope, correlation_id, from_envelope
from ports.shared import BatchHandler, EventHandler

log = logging.getLogger(__name__)

# How many keys' events are delivered at once.
PARTITIONS = 8


class DeliveryFailed(Exception):
    def __init__(self, failures: list[tuple[str, str, BaseException]]) -> None:
        self.failures = failures
        first = failures[0]
        super().__init__(f"{len(failures)} handler(s) failed; first: {first[1]} in {first[0]}: {first[2]!r}")


class InProcessEventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[tuple[str, EventHandler]]] = defaultdict(list)
        self._batch_handlers: list[tuple[str, BatchHandler]] = []  # each takes every publish's envelopes
        self.metrics: EventMetrics | None = None  # set by the runtime: what /metrics counts
        self.tracing: Tracing = NO_TRACING  # set by the runtime: a span per event published and per handler

    def subscribe(self, group: str, event_type: type[Event], handler: EventHandler) -> None:
        self._handlers[event_type.type_name].append((group, handler))

    def subscribe_batches(self, group: str, handler: BatchHandler) -> None:
        self._batch_handlers.append((group, handler))

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        if self.metrics is not None:
            self.metrics.published(envelopes)
        failures: list[tuple[str, str, BaseException]] = []
        by_key: dict[str, list[EventEnvelope]] = defaultdict(list)
        for envelope in envelopes:
            if envelope.type in self._handlers:
                by_key[envelope.key].append(envelope)
        if len(by_key) <= 1:
            for keyed in by_key.values():
                await self._deliver(keyed, failures)
        else:
            slots = asyncio.Semaphore(PARTITIONS)

            async def deliver(keyed: list[EventEnvelope]) -> None:
                async with slots:
                    await self._deliver(keyed, failures)

            await asyncio.gather(*(deliver(keyed) for keyed in by_key.values()))
        for group, batch_handler in self._batch_handlers:
            if envelopes:
                try:
                    await batch_handler(envelopes)
                except Exception as exc:
                    log.exception("batch handler of group %s failed", group)
                    failures.append((group, "batch", exc))
        if failures and all(isinstance(exc, Unavailable) for _, _, exc in failures):
            # Only outages: a retry will do, nothing is wrong with the events themselves.
            raise Unavailable(f"consumers unavailable: {failures[0][2]}")
        if failures:
            raise DeliveryFailed(failures)

    async def _deliver(self, envelopes: list[EventEnvelope], failures: list[tuple[str, str, BaseException]]) -> None:
        """One key's envelopes, in order, to each of their subscribers."""
        for envelope in envelopes:
            event = from_envelope(envelope)
            token = correlation_id.set(envelope.correlation_id or envelope.id)
            try:
                with self.tracing.publishing(envelope, envelope.type, "memory"):
                    for group, handler in self._handlers[envelope.type]:
                        started = time.perf_counter()
                        try:
                            with self.tracing.consuming(group, envelope, "memory"):
                                await handler(event)
                            outcome = HANDLED
                        except Exception as exc:
                            log.exception("handler of %s in group %s failed", envelope.type, group)
                            failures.append((group, envelope.type, exc))
                            outcome = UNAVAILABLE if isinstance(exc, Unavailable) else FAILED
                        if self.metrics is not None:
                            self.metrics.tried(group, envelope.type, outcome, time.perf_counter() - started)
            finally:
                correlation_id.reset(token)
