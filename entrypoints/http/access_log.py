"""The access log: one line per request, written in batches off the request path.

A request only appends its facts to a list. A flush every ``FLUSH_SECONDS`` (or once ``BATCH_LINES``
wait) formats them and logs them as ONE record of the ``marketplace.access`` logger, one line each, every
line with its own time: through ``logging`` record by record, each request would cost the loop a
LogRecord, a format and a write syscall. ``configure`` gives the logger a handler that writes the lines
as they are (the CLI calls it), so they look like every other log line. Nothing is kept when the logger
is not enabled for INFO (``MARKETPLACE_LOG_LEVEL=WARNING``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

LOGGER = "marketplace.access"
FLUSH_SECONDS = 0.5
BATCH_LINES = 512

_Line = tuple[float, str, str, int, float, str, str]  # time, method, path, status, ms, request id, client


def configure() -> None:
    """Access lines to stderr as they are formatted here (each carries its time, level and logger)."""
    logger = logging.getLogger(LOGGER)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers[:] = [handler]
    logger.propagate = False


class AccessLog:
    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger(LOGGER)
        self.enabled = self.logger.isEnabledFor(logging.INFO)
        self._lines: list[_Line] = []
        self._flush: asyncio.TimerHandle | None = None

    def record(self, method: str, path: str, status: int, seconds: float, request_id: str, client: str) -> None:
        if not self.enabled:
            return
        self._lines.append((time.time(), method, path, status, seconds, request_id, client))
        if len(self._lines) >= BATCH_LINES:
            self.flush()
        elif self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        lines, self._lines = self._lines, []
        if not lines:
            return
        written: list[str] = []
        second, stamp = -1, ""
        for at, method, path, status, seconds, request_id, client in lines:
            if int(at) != second:  # as logging's default asctime: local time, then milliseconds
                second = int(at)
                stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
            written.append(
                f"{stamp},{int(at * 1000) % 1000:03d} INFO {LOGGER} {method} {path} {status} "
                f"{seconds * 1000:.2f}ms id={request_id} from={client}"
            )
        self.logger.info("%s", "\n".join(written))
