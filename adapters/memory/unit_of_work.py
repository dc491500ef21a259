"""The in-memory unit of work: staged writes applied at commit, then the events go to the bus."""

from __future__ import annotations

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
