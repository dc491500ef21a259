"""The real clock, ids, tokens and password hashing, and the C allocator's arenas: no server behind them, same in
every profile."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import secrets
from datetime import UTC, datetime

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError

from core.shared.ids import uuid7


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Uuid7Ids:
    def new_id(self) -> str:
        return uuid7()


class SecureTokens:
    def new_token(self) -> str:
        return secrets.token_urlsafe(32)


class Argon2PasswordHasher:
    """argon2id (RFC 9106). Hashing is CPU-bound, so it runs in a worker thread, off the event loop.

    At most ``max_concurrent`` hashes run at once (one per core by default): more would not finish
    sooner, and each holds ``memory_kib`` of RAM, so a burst of logins would otherwise cost
    threads x 64 MiB. The rest wait their turn.
    """

    def __init__(
        self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 1, max_concurrent: int | None = None
    ) -> None:
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
        self._slots = asyncio.Semaphore(max_concurrent or os.cpu_count() or 1)

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        try:
            async with self._slots:
                return await asyncio.to_thread(self._argon.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._argon.check_needs_rehash(password_hash)


M_ARENA_MAX = -8  # mallopt's parameter number for the arena limit (glibc's malloc.h)


def limit_malloc_arenas(arenas: int) -> bool:
    """At most ``arenas`` malloc arenas in this process (glibc; 0 leaves its default). glibc gives a thread that
    allocates while another holds the main arena an arena of its own, up to eight per core, and keeps what
    is freed in an arena for that arena: the threads of a process (the default executor's, for DNS lookups,
    password hashing, the embedded ClickHouse) leave their arenas fragmented, and its RSS creeps up while
    Python's own heap stays flat (bench.soak: `serve` +10.9 % over 25 minutes with glibc's default, under 5 %
    with two). Whether the limit was set: not on a C library without mallopt (musl, macOS)."""
    if arenas <= 0:
        return False
    mallopt = getattr(_libc(), "mallopt", None)
    return bool(mallopt(M_ARENA_MAX, arenas)) if mallopt is not None else False


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def trim_malloc() -> bool:
    """Give the memory glibc holds free in its heaps back to the system (``malloc_trim(0)``); whether it
    gave any. glibc returns freed memory at the top of a heap only: what is freed below a chunk still in use
    stays with the process, and under a long load a process's RSS creeps while its live data does not (in
    bench.soak, `serve` 170 to 186 MiB in 25 minutes; one malloc_trim of it at 174 MiB gave back 12.8 MiB)."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None)
    return bool(trim(0)) if trim is not None else False
