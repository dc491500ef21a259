"""Counting in Redis: a fixed window per key that starts at the first count (failed logins, requests to a
rate-limited route).

``window:<key>`` holds the count; its TTL is the rest of the window. INCR and EXPIRE NX run in one
transaction, so the first count opens the window and later ones count inside it without moving its end;
once Redis drops the key the next count opens a new window at 1 (EXPIRE NX: Redis 7.0 or later). Every
process counts in the same key: a limit holds across all the `serve` processes behind the balancer.

When Redis is down every method raises ``Unavailable`` (HTTP 503): login and the rate-limited routes **fail
closed**. Failing open (treating "cannot count" as "nothing counted") would turn a Redis outage, or an
attacker able to cause one, into unlimited password guessing against every account, or unlimited sign-ups,
which is what these counters exist to prevent. Closing costs little: sessions live in the same Redis, so a
login could not open a session during the outage, nor could a logged-in customer be authenticated.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from adapters.redis.client import unavailable_when_down

PREFIX = "window:"


def _seconds_left(pttl_ms: int) -> int:
    # Rounded up and at least 1, as the memory counter reports it: "retry after 0 s" would invite a
    # retry that is still refused. (PTTL is never -1 here: every key is written with its expiry.)
    return max(1, -(-pttl_ms // 1000))


class RedisWindowCounter:
    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis

    async def add(self, key: str, window_seconds: int) -> tuple[int, int]:
        if window_seconds < 1:
            raise ValueError(f"a window must last at least 1 second, not {window_seconds}")
        name = PREFIX + key
        # Fails closed (Unavailable): see the module docstring.
        with unavailable_when_down("counting in a window"):
            async with self.redis.pipeline(transaction=True) as tx:
                tx.incr(name)
                tx.expire(name, window_seconds, nx=True)
                tx.pttl(name)
                count, _, pttl = await tx.execute()
        return int(count), _seconds_left(int(pttl))

    async def get(self, key: str) -> tuple[int, int]:
        name = PREFIX + key
        # Fails closed (Unavailable): see the module docstring.
        with unavailable_when_down("reading a window's count"):
            async with self.redis.pipeline(transaction=True) as tx:
                tx.get(name)
                tx.pttl(name)
                count, pttl = await tx.execute()
        if count is None:
            return 0, 0
        return int(count), _seconds_left(int(pttl))

    async def clear(self, key: str) -> None:
        with unavailable_when_down("clearing a window"):
            await self.redis.delete(PREFIX + key)
