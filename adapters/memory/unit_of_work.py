"""The in-memory unit of work: staged writes applied at commit, then the events go to the bus."""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Self

from adapters.memory.event_bus import DeliveryFailed
from adapters.memory.store import MemoryTransaction
from adapters.tracking import SeenAggregates
from core.shared.errors import Unavailable
from ports.shared import EventPublisher

log = logging.getLogger(__name__)


class MemoryUnitOfWork:
    def __init__(self, publisher: EventPublisher) -> None:
        self._publisher = publisher
        self.seen = SeenAggregates()
        self.tx = MemoryTransaction()

    def _open(self) -> None:
        """Subclasses build their repositories over ``self.tx`` here."""

    async def __aenter__(self) -> Self:
        self.tx = MemoryTransaction()
        self.seen = SeenAggregates()
        self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.tx = MemoryTransaction()  # anything not committed is dropped
        self.seen.clear()

    async def commit(self) -> None:
        self.tx.apply()
        envelopes = self.seen.collect()
        if not envelopes:
            return
        try:
            await self._publisher.publish(envelopes)
        except (DeliveryFailed, Unavailable):
            # The change is committed; in one process there is no outbox to retry from, and the
            # failure was logged by the bus with its handler.
            log.warning("some consumers failed on events of a committed change")


class LockingMemoryUnitOfWork(MemoryUnitOfWork):
    """A unit of work that can hold its tables' lock until it ends: in one process, the stand-in for
    PostgreSQL's row locks (SELECT ... FOR UPDATE). One lock for every row is coarser, but enough here."""

    def __init__(self, publisher: EventPublisher, lock: asyncio.Lock) -> None:
        super().__init__(publisher)
        self._lock = lock
        self._holding = False

    async def hold_lock(self) -> None:
        if not self._holding:
            await self._lock.acquire()
            self._holding = True

    def _let_go(self) -> None:
        if self._holding:
            self._holding = False
            self._lock.release()

    async def commit(self) -> None:
        # The writes apply under the lock; the events then reach their consumers without it (as row locks
        # end at COMMIT), so a consumer that changes the same rows in turn does not wait for this one.
        self.tx.apply()
        self._let_go()
        await super().commit()  # nothing left to apply: it publishes the events

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._let_go()
        await super().__aexit__(exc_type, exc, tb)
