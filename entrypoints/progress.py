"""A progress bar for the long commands (``marketplace reindex``): redrawn in place on a terminal, a line
at each tenth of the way otherwise (a log file or CI keeps ten lines, not thousands)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, label: str, expected: int, stream: TextIO | None = None) -> None:
        self.label, self.expected = label, expected
        self.stream = stream or sys.stderr
        self.started: float | None = None  # at the first document
        self.done = 0
        self._tenths = -1
        self._live = self.stream.isatty()

    def __call__(self, done: int) -> None:
        if self.started is None:
            self.started = time.monotonic()
        self.done = done
        tenths = min(10, done * 10 // self.expected) if self.expected else 10
        if self._live:
            self.stream.write("\r" + self.line())
            self.stream.flush()
        elif tenths > self._tenths:
            self._tenths = tenths
            self.stream.write(self.line() + "\n")

    def line(self) -> str:
        total = max(self.expected, self.done)
        filled = WIDTH * self.done // total if total else WIDTH
        rate = self.done / max(self.elapsed, 1e-6)
        return f"{self.label:9} [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done:,}/{total:,}  {rate:,.0f}/s"

    @property
    def elapsed(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started

    def finish(self, written: int) -> None:
        if self._live:
            self.stream.write("\r" + self.line() + "\n")
        self.stream.write(f"{self.label}: {self.done:,} read, {written:,} written in {self.elapsed:.1f} s\n")
        self.stream.flush()
