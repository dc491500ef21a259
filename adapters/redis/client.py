"""The Redis client every Redis adapter shares, its health check, and the one translation of its errors.

Strings in, strings out (``decode_responses=True``): every value the adapters store is text (JSON or a
counter), so no adapter handles bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.shared.errors import Unavailable

# A connection error is retried: it is what a pooled connection shows after Redis restarted or failed
# over, and a fresh connection usually succeeds at once. A timeout is not: the command may have run
# (an INCR counted twice), and waiting `timeout` once more only doubles the time the caller waits.
RETRIES = 3
BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 0.5
# Idle pooled connections are PINGed before reuse after this long, so a connection a firewall or NAT
# dropped silently fails here, on a retryable PING, not in the middle of a command.
HEALTH_CHECK_INTERVAL_SECONDS = 30

# What "Redis is down or too slow" looks like; anything else (a wrong type, a script error) is a bug
# and stays a bug. BusyLoadingError and MaxConnectionsError are ConnectionErrors.
DOWN = (RedisConnectionError, RedisTimeoutError, TimeoutError)


def create_redis(url: str, timeout: float) -> aioredis.Redis:
    """A pooled client; it connects lazily, on the first command."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        socket_keepalive=True,
        health_check_interval=HEALTH_CHECK_INTERVAL_SECONDS,
        retry=Retry(
            ExponentialWithJitterBackoff(base=BACKOFF_BASE_SECONDS, cap=BACKOFF_CAP_SECONDS),
            RETRIES,
            supported_errors=(RedisConnectionError,),
        ),
    )


@contextmanager
def unavailable_when_down(doing: str) -> Iterator[None]:
    """Turn Redis being down into the domain's ``Unavailable`` (HTTP 503: the caller may retry)."""
    try:
        yield
    except DOWN as error:
        detail = str(error) or type(error).__name__
        raise Unavailable(f"Redis is unavailable ({doing}): {detail}") from error


class RedisHealth:
    def __init__(self, name: str, client: aioredis.Redis) -> None:
        self.name = name
        self.client = client

    async def check(self) -> None:
        with unavailable_when_down("health check"):
            await self.client.ping()
