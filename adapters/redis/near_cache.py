"""A near cache: Redis values under one key prefix, copied into this process and kept coherent by Redis.

Redis's server-assisted client-side caching (``CLIENT TRACKING ON BCAST PREFIX p`` on a RESP3
connection) pushes an ``invalidate`` message naming every key under the prefix that any client changes
(or that expires, or is evicted), to every process tracking it. This process keeps a connection doing
only that, and drops the copies the messages name as soon as they arrive: the protocol applies them in
``data_received``, before any request read after them runs. Redis queues the pushes before it answers
the write that caused them, so a change another process has finished is known here before a read that
comes after it; across hosts, a change is stale here for at most the push's trip.

Nothing is served from the copy unless the tracking connection is up: when it drops, the copy is
forgotten and every read goes to Redis until it is back (it reconnects with backoff). A value read from
Redis is kept only if no invalidation arrived while it was being read (``version``), so a read racing a
change never pins the old value. Copies are bounded in number (the oldest go first) and in age.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
_CRLF = b"\r\n"


class _Incomplete(Exception):
    """The buffer ends inside a frame: wait for more bytes."""


def _command(*parts: str) -> bytes:
    encoded = [p.encode() for p in parts]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in encoded)


class _Push(list[Any]):
    """A RESP3 push frame (``>``), told apart from an ordinary reply."""


class _ReplyError(Exception):
    pass


def _parse(buffer: bytes, at: int) -> tuple[Any, int]:
    """One RESP3 value starting at ``at``: the value and where the next one starts."""
    end = buffer.find(_CRLF, at)
    if end < 0:
        raise _Incomplete
    kind, line, at = buffer[at : at + 1], buffer[at + 1 : end], end + 2
    if kind in (b"+", b"("):
        return line, at
    if kind in (b"-", b"!"):
        if kind == b"!":
            line, at = _blob(buffer, at, int(line))
        return _ReplyError(line.decode(errors="replace")), at
    if kind == b":":
        return int(line), at
    if kind == b",":
        return float(line), at
    if kind == b"#":
        return line == b"t", at
    if kind == b"_":
        return None, at
    if kind in (b"$", b"="):
        size = int(line)
        return (None, at) if size < 0 else _blob(buffer, at, size)
    if kind in (b"*", b"~", b">", b"%", b"|"):
        count = int(line) * (2 if kind in (b"%", b"|") else 1)
        if count < 0:
            return None, at
        items: list[Any] = []
        for _ in range(count):
            item, at = _parse(buffer, at)
            items.append(item)
        if kind == b"|":  # attributes come before the value they describe: skip them
            return _parse(buffer, at)
        if kind == b"%":
            return dict(zip(items[::2], items[1::2], strict=True)), at
        return (_Push(items) if kind == b">" else items), at
    raise ValueError(f"not RESP3: {buffer[at - len(line) - 3 : at]!r}")


def _blob(buffer: bytes, at: int, size: int) -> tuple[bytes, int]:
    if len(buffer) < at + size + 2:
        raise _Incomplete
    return buffer[at : at + size], at + size + 2


class _Tracking(asyncio.Protocol):
    """The tracking connection: the handshake's replies go to ``replies``; invalidations are applied as
    they are read."""

    def __init__(self, on_invalidate: Callable[[list[bytes] | None], None]) -> None:
        self.on_invalidate = on_invalidate
        self.replies: asyncio.Queue[Any] = asyncio.Queue()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        at = 0
        while at < len(self.buffer):
            try:
                value, at_next = _parse(self.buffer, at)
            except _Incomplete:
                break
            at = at_next
            if isinstance(value, _Push):
                if value and value[0] == b"invalidate":
                    self.on_invalidate(value[1] if len(value) > 1 else None)
            else:
                self.replies.put_nowait(value)
        self.buffer = self.buffer[at:]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


class NearCache:
    def __init__(self, redis_url: str, prefix: str, max_entries: int, max_age_seconds: float) -> None:
        self.url, self.prefix = redis_url, prefix
        self.max_entries, self.max_age = max_entries, max_age_seconds
        self._copies: dict[str, tuple[bytes, float]] = {}  # key -> (value, when it was read), oldest first
        self._version = 0  # invalidations heard, and connections lost: a read spanning one keeps nothing
        self.live = False
        self.client_id: int | None = None  # the tracking connection's id at Redis (CLIENT KILL ID in tests)
        self._task: asyncio.Task[None] | None = None
        self._live_event: asyncio.Event | None = None
        self._transport: asyncio.BaseTransport | None = None

    # --- reads -------------------------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        if self._task is None:
            self._start()
        if not self.live:
            return None
        copy = self._copies.get(key)
        if copy is None:
            return None
        if time.monotonic() - copy[1] >= self.max_age:
            del self._copies[key]
            return None
        return copy[0]

    @property
    def version(self) -> int:
        """Take it before reading a key from Redis; hand it back to ``keep``."""
        return self._version

    def keep(self, key: str, value: bytes, version: int) -> None:
        """Keep ``value``, read from Redis since ``version`` was taken, unless something changed meanwhile."""
        if not self.live or version != self._version:
            return
        self._copies[key] = (value, time.monotonic())
        if len(self._copies) > self.max_entries:
            del self._copies[next(iter(self._copies))]

    def forget(self, keys: list[str]) -> None:
        """Drop the copies of ``keys`` now: this process is changing them (Redis tells the others)."""
        self._version += 1
        for key in keys:
            self._copies.pop(key, None)

    async def wait_live(self, seconds: float = 5.0) -> None:
        """Until the tracking connection is up (tests, and whoever wants the copy at once)."""
        if self._task is None:
            self._start()
        assert self._live_event is not None
        await asyncio.wait_for(self._live_event.wait(), seconds)

    # --- the tracking connection ------------------------------------------------------------------

    def _invalidate(self, keys: list[bytes] | None) -> None:
        self._version += 1
        if keys is None:  # FLUSHALL, FLUSHDB, or Redis lost track: forget everything
            self._copies.clear()
            return
        for key in keys:
            self._copies.pop(key.decode(errors="replace"), None)

    def _start(self) -> None:
        self._live_event = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        pause = RECONNECT_FIRST_SECONDS
        while True:
            try:
                closed = await self._connect()
            except (OSError, TimeoutError, _ReplyError, ValueError) as error:
                log.warning("near cache of %s*: cannot track Redis (%s); reading Redis itself", self.prefix, error)
            else:
                pause = RECONNECT_FIRST_SECONDS
                await closed
                log.warning("near cache of %s*: the tracking connection closed; reading Redis itself", self.prefix)
            self._lost()
            await asyncio.sleep(pause)
            pause = min(pause * 2, RECONNECT_MAX_SECONDS)

    def _lost(self) -> None:
        self.live = False
        self._version += 1
        self._copies.clear()
        if self._live_event is not None:
            self._live_event.clear()

    async def _connect(self) -> asyncio.Future[None]:
        parts = urlsplit(self.url)
        loop = asyncio.get_running_loop()
        protocol = _Tracking(self._invalidate)
        if parts.scheme == "unix":
            transport, _ = await asyncio.wait_for(loop.create_unix_connection(lambda: protocol, parts.path), 5)
        else:
            context = ssl.create_default_context() if parts.scheme == "rediss" else None
            host = parts.hostname or "localhost"
            connect = loop.create_connection(lambda: protocol, host, parts.port or 6379, ssl=context)
            transport, _ = await asyncio.wait_for(connect, 5)
        try:
            hello = ["HELLO", "3"]
            if parts.password:
                hello += ["AUTH", unquote(parts.username or "default"), unquote(parts.password)]
            transport.write(_command(*hello))
            transport.write(_command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", self.prefix))
            greeting = await asyncio.wait_for(protocol.replies.get(), 5)
            tracking = await asyncio.wait_for(protocol.replies.get(), 5)
            for reply in (greeting, tracking):
                if isinstance(reply, _ReplyError):
                    raise reply
            self.client_id = greeting.get(b"id") if isinstance(greeting, dict) else None
        except BaseException:
            transport.close()
            raise
        self.live = True
        assert self._live_event is not None
        self._live_event.set()
        self._transport = transport
        return protocol.closed

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        self._lost()
