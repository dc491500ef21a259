"""Counting in fixed windows in the process (the memory profile's WindowCounter)."""

from __future__ import annotations

import time
from collections.abc import Callable

from adapters.memory.expiring import Expiring


class MemoryWindowCounter:
    """Fixed windows that start at the first count, as the Redis INCR + EXPIRE NX counter does; a window is
    forgotten when it ends, so the counter holds only the windows still open."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._now = monotonic
        self._windows: Expiring[str, int] = Expiring(monotonic)  # key -> count, until the window ends

    @staticmethod
    def _left(ends: float, now: float) -> int:
        return max(1, int(ends - now + 0.999))

    async def add(self, key: str, window_seconds: int) -> tuple[int, int]:
        now = self._now()
        count = self._windows.get(key)
        ends = self._windows.deadline(key) if count is not None else None
        if count is None or ends is None:
            count, ends = 0, now + window_seconds
        self._windows.set(key, count + 1, ends)
        return count + 1, self._left(ends, now)

    async def get(self, key: str) -> tuple[int, int]:
        count = self._windows.get(key)
        ends = self._windows.deadline(key)
        if count is None or ends is None:
            return 0, 0
        return count, self._left(ends, self._now())

    async def clear(self, key: str) -> None:
        self._windows.pop(key)
