"""Failure counting in Redis: a fixed window per key that starts at the first failure.

``failures:<key>`` holds the count; its TTL is the rest of the window. INCR and EXPIRE NX run in one
transaction, so the first failure opens the window and later ones count inside it without moving its
end; once Redis drops the key the next failure opens a new window at 1 (EXPIRE NX: Redis 7.0 or later).

When Redis is down every method raises ``Unavailable`` (HTTP 503), so login **fails closed**: nobody
can log in until Redis answers again. Failing open (treating "cannot count" as "no failures") would
turn a Redis outage, or an attacker able to cause one, into unlimited password guessing against every
account, which is the one thing this counter exists to prevent. Closing costs little: sessions live in
the same Redis, so a login could not open a session during the outage anyway.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from adapters.redis.client import unavailable_when_down

PREFIX = "failures:"


def _seconds_left(pttl_ms: int) -> int:
    # Rounded up and at least 1, as the memory counter reports it: "retry after 0 s" would invite a
    # retry that is still refused. (PTTL is never -1 here: every key is written with its expiry.)
    return max(1, -(-pttl_ms // 1000))


class RedisFailureCounter:
    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis

    async def add(self, key: str, window_seconds: int) -> tuple[int, int]:
        if window_seconds < 1:
            raise ValueError(f"a failure window must last at least 1 second, not {window_seconds}")
        name = PREFIX + key
        # Fails closed (Unavailable, login refused): see the module docstring.
        with unavailable_when_down("counting a failed login"):
            async with self.redis.pipeline(transaction=True) as tx:
                tx.incr(name)
                tx.expire(name, window_seconds, nx=True)
                tx.pttl(name)
                count, _, pttl = await tx.execute()
        return int(count), _seconds_left(int(pttl))

    async def get(self, key: str) -> tuple[int, int]:
        name = PREFIX + key
        # Fails closed (Unavailable, login refused): see the module docstring.
        with unavailable_when_down("reading failed logins"):
            async with self.redis.pipeline(transaction=True) as tx:
                tx.get(name)
                tx.pttl(name)
                count, pttl = await tx.execute()
        if count is None:
            return 0, 0
        return int(count), _seconds_left(int(pttl))

    async def clear(self, key: str) -> None:
        with unavailable_when_down("clearing failed logins"):
            await self.redis.delete(PREFIX + key)
