"""``ports.activity.ActivityStream``: events sent on to the publisher (Kafka, or the in-process bus)
from a bounded buffer, by a task of their own, so the request that sends them never waits for the broker.

Why not the outbox: the actions a page reports (a view, a search) change no table the request writes, so
there is no transaction to join, and a database write per card read would cost the shop's busiest read
more than the read itself. The trade: an event still in the buffer when the process dies is lost, and a
buffer full (the broker down for long) drops new events, counted in ``marketplace_activity_events_total``.
While the broker is down the buffer keeps what it holds and retries with a backoff.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import logging

from prometheus_client import CollectorRegistry, Counter

from adapters.memory.event_bus import DeliveryFailed
from core.shared.errors import Unavailable
from core.shared.events import Event, correlation_id, to_envelope
from ports.shared import EventPublisher

log = logging.getLogger(__name__)


class BufferedActivityStream:
    def __init__(
        self,
        publisher: EventPublisher,
        metrics: CollectorRegistry,
        *,
        capacity: int = 10_000,
        batch_size: int = 500,
        retry_seconds: float = 0.5,
        retry_ceiling_seconds: float = 10.0,
    ) -> None:
        self.publisher, self.capacity, self.batch_size = publisher, capacity, batch_size
        self.retry_seconds, self.retry_ceiling_seconds = retry_seconds, retry_ceiling_seconds
        self._pending: collections.deque[tuple[Event, str | None]] = collections.deque()
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False
        self.published = 0  # events the publisher took so far (``Runtime.settle`` counts them)
        counts = Counter(
            "marketplace_activity_events",
            "Shoppers' actions the HTTP layer reported, by what became of them",
            ["outcome"],
            registry=metrics,
        )
        self._sent, self._dropped, self._failed = (counts.labels(o) for o in ("sent", "dropped", "failed"))

    def send(self, event: Event) -> None:
        if self._closed or len(self._pending) >= self.capacity:
            self._dropped.inc()
            return
        if self._flusher is None or self._flusher.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop to send from (never so in a request): nothing is kept
                self._dropped.inc()
                return
            # In a context of its own: an event sent without a correlation id must not take the id of
            # the request whose ``send`` happened to start the task.
            self._flusher = loop.create_task(self._flush(), context=contextvars.Context())
        self._pending.append((event, correlation_id.get()))

    async def _flush(self) -> None:
        delay = self.retry_seconds
        while self._pending:
            batch = [self._pending[i] for i in range(min(self.batch_size, len(self._pending)))]
            envelopes = [to_envelope(event, correlation) for event, correlation in batch]
            try:
                await self.publisher.publish(envelopes)
            except Unavailable as error:
                if self._closed:
                    self._failed.inc(len(self._pending))
                    self._pending.clear()
                    return
                log.warning("activity events wait for the broker (%d held): %s", len(self._pending), error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_ceiling_seconds)
                continue
            except DeliveryFailed:
                pass  # in one process: the bus delivered them, and logged the handler that failed
            except Exception:
                log.exception("activity events dropped: the publisher refused them")
                self._failed.inc(len(batch))
                self._forget(batch)
                continue
            delay = self.retry_seconds
            self._forget(batch)
            self.published += len(batch)
            self._sent.inc(len(batch))

    def _forget(self, batch: list[tuple[Event, str | None]]) -> None:
        for _ in batch:
            self._pending.popleft()

    async def flush(self) -> None:
        """Wait until every event sent so far reached the publisher (tests, and the process's end)."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def close(self) -> None:
        """Send what is held (giving up on it if the broker does not take it), then refuse new events."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.flush(), timeout=5.0)
        self._closed = True
        if self._pending:
            log.warning("activity events given up at close: %d (the broker did not take them)", len(self._pending))
            self._failed.inc(len(self._pending))
            self._pending.clear()
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._flusher
