"""A worker that runs one job every so often: the payment error worker, the shipment poller, the saga
sweeper. ``run_once`` is one pass (tests and the CLI call it directly); ``run`` repeats it until stopped.
A failed pass is logged and the next one comes on time: the job's own state says what is still to do.
With ``metrics`` (the runtime sets them), every pass is counted, timed and its items added up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from entrypoints.workers.metrics import WorkerMetrics

log = logging.getLogger(__name__)


class PeriodicWorker:
    def __init__(self, name: str, job: Callable[[], Awaitable[int]], every_seconds: float) -> None:
        self.name = name
        self.job = job
        self.every_seconds = every_seconds
        self.done = 0  # items the passes handled so far
        self.metrics: WorkerMetrics | None = None
        # One pass at a time: a pass asked for by a test while the loop's is under way waits for it.
        self._pass = asyncio.Lock()

    async def run_once(self) -> int:
        async with self._pass:
            started = time.perf_counter()
            try:
                handled = await self.job()
            except Exception:
                if self.metrics is not None:
                    self.metrics.failed(self.name, time.perf_counter() - started)
                raise
            if self.metrics is not None:
                self.metrics.passed(self.name, handled, time.perf_counter() - started)
        self.done += handled
        return handled

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("worker %s: a pass failed; the next one runs in %.1fs", self.name, self.every_seconds)
            await asyncio.sleep(self.every_seconds)
