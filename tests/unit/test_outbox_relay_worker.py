"""The outbox relay worker: drains, counts what it published, and purges old events when due."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from entrypoints.workers.outbox_relay import OutboxRelayWorker


class FakeRelay:
    def __init__(self, pending: int) -> None:
        self.pending = pending
        self.purges: list[timedelta] = []

    async def relay_once(self, batch_size: int = 100) -> int:
        moved = min(batch_size, self.pending)
        self.pending -= moved
        return moved

    async def purge(self, older_than: timedelta) -> int:
        self.purges.append(older_than)
        return 3


async def test_drain_publishes_everything_pending_and_counts_it() -> None:
    relay = FakeRelay(pending=250)
    worker = OutboxRelayWorker(relay)

    assert await worker.drain() == 250
    assert relay.pending == 0
    assert worker.published == 250
    assert await worker.drain() == 0


async def test_the_loop_purges_once_per_interval_with_the_retention() -> None:
    relay = FakeRelay(pending=5)
    worker = OutboxRelayWorker(relay, poll_seconds=0.01, retention=timedelta(days=2), purge_every=timedelta(hours=1))
    task = asyncio.get_running_loop().create_task(worker.run())
    for _ in range(100):
        await asyncio.sleep(0.01)
        if relay.purges and worker.published == 5:
            break
    for _ in range(5):
        worker.nudge()
        await asyncio.sleep(0.01)
    worker.stop()
    await task

    assert worker.published == 5
    assert relay.purges == [timedelta(days=2)]  # several passes, one purge: the next is an hour away
