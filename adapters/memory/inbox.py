"""The consumers' inbox in memory: which event ids each consumer group handled, for ``retention_seconds``.

An id is kept long enough for any redelivery of its event (the PostgreSQL inbox is pruned by the same age),
then forgotten, so a long-running memory-profile server does not keep every event id it ever handled.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from adapters.memory.expiring import Expiring

DEFAULT_RETENTION_SECONDS = 7 * 24 * 3600


class MemoryInbox:
    def __init__(
        self, retention_seconds: float = DEFAULT_RETENTION_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.retention_seconds = retention_seconds
        self._now = monotonic
        self._seen: Expiring[tuple[str, str], bool] = Expiring(monotonic)

    async def seen(self, group: str, event_id: str) -> bool:
        return (group, event_id) in self._seen

    async def remember(self, group: str, event_id: str) -> None:
        self._seen.set((group, event_id), True, self._now() + self.retention_seconds)
