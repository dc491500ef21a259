"""The outbox relay worker: publishes committed outbox events, oldest first, until stopped.

It wakes when a unit of work in this process commits (``nudge``) and otherwise polls, so events
committed by another process are published within ``poll_seconds``. A failed publish leaves the events
in the outbox; they go out on the next pass, with a growing pause while the failure lasts. Once per
``purge_every`` it forgets the events published longer than ``retention`` ago, so the outbox stays small.
With ``metrics``, it counts what it published and its failed passes, and measures the outbox's backlog
every ``refresh_seconds`` (whether its passes succeed or not: a backlog growing while the broker is away is
what an alert wants to see).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

from entrypoints.workers.metrics import OutboxMetrics
from ports.shared import OutboxRelay

log = logging.getLogger(__name__)


class OutboxRelayWorker:
    def __init__(
        self,
        relay: OutboxRelay,
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 5.0,  # a broker or database back is used within 5 s
        retention: timedelta = timedelta(days=7),
        purge_every: timedelta = timedelta(hours=1),
        *,
        database: str = "",
        metrics: OutboxMetrics | None = None,
        refresh_seconds: float = 15.0,
    ) -> None:
        self.relay = relay
        self.database, self.metrics, self.refresh_seconds = database, metrics, refresh_seconds
        self._next_measure = time.monotonic()
        self.retention = retention
        self.purge_every = purge_every
        self._next_purge = time.monotonic()
        self.poll_seconds = poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        # One pass at a time: a drain() asked for while the loop's pass is under way waits for it
        # (otherwise it would skip the rows that pass holds locked and return before they are published).
        self._pass = asyncio.Lock()
        self.published = 0  # events published so far, by run() and drain() alike

    def nudge(self) -> None:
        self._wake.set()

    async def drain(self) -> int:
        """Publish everything pending now (tests and shutdown use it)."""
        total = 0
        async with self._pass:
            while moved := await self.relay.relay_once():
                total += moved
                self.published += moved
                if self.metrics is not None:
                    self.metrics.published.labels(self.database).inc(moved)
        return total

    async def run(self) -> None:
        backoff = self.poll_seconds
        while not self._stopping:
            try:
                await self.drain()  # counts into self.published too
                await self._purge_when_due()
                backoff = self.poll_seconds
            except Exception:
                log.exception("outbox relay pass failed; retrying in %.1fs", backoff)
                backoff = min(backoff * 2, self.max_backoff_seconds)
                if self.metrics is not None:
                    self.metrics.failures.labels(self.database).inc()
            await self._measure_when_due()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)

    async def measure(self) -> None:
        """The outbox's backlog now, into the metrics."""
        if self.metrics is not None:
            self.metrics.measured(self.database, await self.relay.backlog())

    async def _measure_when_due(self) -> None:
        if self.metrics is None or time.monotonic() < self._next_measure:
            return
        self._next_measure = time.monotonic() + self.refresh_seconds
        try:
            await self.measure()
        except Exception as exc:  # the database away: the pass above has said so already
            log.debug("outbox backlog of %s not measured: %r", self.database, exc)

    async def _purge_when_due(self) -> None:
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + self.purge_every.total_seconds()
        purged = await self.relay.purge(self.retention)
        if purged:
            log.info("outbox: forgot %d event(s) published more than %s ago", purged, self.retention)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
