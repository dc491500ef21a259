"""A map whose entries expire, for the in-memory adapters that stand in for a store with a TTL.

Redis forgets a key when its time is up, and PostgreSQL tables are pruned by age; an in-memory stand-in
must forget too, or a long-running memory-profile server keeps every session, guest cart and processed
event id it ever saw. ``Expiring`` keeps each entry with its deadline. An expired entry is never
returned, and every write also drops a few of the entries whose deadline passed, the earliest first (a
heap of deadlines), so the map never holds much more than its live entries and no call scans it whole.

Deadlines are numbers on the clock the owner gives (``time.monotonic`` by default, or a wall clock's
timestamps); ``None`` is an entry that never expires.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# Each write drops at most this many expired entries: enough to outrun any rate of writes (every write
# adds one), small enough that no write pays for a long pause's backlog at once.
SWEEP_PER_WRITE = 8


class Expiring(Generic[K, V]):
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._entries: dict[K, tuple[V, float | None]] = {}
        self._deadlines: list[tuple[float, int, K]] = []  # a heap; stale items (key rewritten) are skipped
        self._order = itertools.count()  # breaks ties between equal deadlines without comparing keys

    def __len__(self) -> int:
        """Entries held, live or expired but not yet swept (``live`` counts only the live ones)."""
        return len(self._entries)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, deadline = entry
        if deadline is not None and deadline <= self._now():
            del self._entries[key]
            return None
        return value

    def deadline(self, key: K) -> float | None:
        """When the live entry ``key`` expires (None: never, or no such entry)."""
        entry = self._entries.get(key)
        return None if entry is None or self.get(key) is None else entry[1]

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]

    def set(self, key: K, value: V, deadline: float | None) -> None:
        self._entries[key] = (value, deadline)
        if deadline is not None:
            heapq.heappush(self._deadlines, (deadline, next(self._order), key))
        self.sweep(SWEEP_PER_WRITE)

    def pop(self, key: K) -> V | None:
        entry = self._entries.pop(key, None)
        return None if entry is None or (entry[1] is not None and entry[1] <= self._now()) else entry[0]

    def items(self) -> Iterator[tuple[K, V]]:
        """The live entries (a snapshot: the map may change while the caller goes through them)."""
        now = self._now()
        return iter(
            [(key, value) for key, (value, deadline) in self._entries.items() if deadline is None or deadline > now]
        )

    def live(self) -> int:
        now = self._now()
        return sum(1 for _, deadline in self._entries.values() if deadline is None or deadline > now)

    def sweep(self, at_most: int | None = None) -> int:
        """Drop expired entries, the earliest deadlines first (``at_most`` of them; None: all); return how
        many were dropped."""
        now, dropped, heap = self._now(), 0, self._deadlines
        while heap and heap[0][0] <= now and (at_most is None or dropped < at_most):
            deadline, _, key = heapq.heappop(heap)
            entry = self._entries.get(key)
            if entry is not None and entry[1] == deadline:
                del self._entries[key]
                dropped += 1
        if len(heap) > 2 * len(self._entries) + 64:
            # Rewritten keys leave their old deadlines behind: rebuild the heap from the entries held.
            self._deadlines = [
                (deadline, next(self._order), key)
                for key, (_, deadline) in self._entries.items()
                if deadline is not None
            ]
            heapq.heapify(self._deadlines)
        return dropped
