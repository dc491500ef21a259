"""The outbox relay worker: publishes committed outbox events, oldest first, until stopped.

It wakes when a unit of work in this process commits (``nudge``) and otherwise polls, so events
committed by another process are published within ``poll_seconds``. A failed publish leaves the events
in the outbox; they go out on the next pass, with a growing pause while the failure lasts. Once per
``purge_every`` it forgets the events published longer than ``retention`` ago, so the outbox stays small.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

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
    ) -> None:
        self.relay = relay
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
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)

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
