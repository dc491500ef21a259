"""The real clock, ids, tokens and password hashing: no server behind them, same in every profile."""

from __future__ import annotations

import asyncio
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
