"""A clock and id generator that tests drive by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class ManualClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or START
        self._now = self._start

    def reset(self) -> None:
        self._now = self._start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


class SequentialIds:
    def __init__(self, prefix: str = "00000000-0000-7000-8000-") -> None:
        self._prefix, self._next = prefix, 0

    def new_id(self) -> str:
        self._next += 1
        return f"{self._prefix}{self._next:012d}"
