"""A real Redis for the infra tests: its address from the environment, a scratch database per test.

Tests use database 15 (the app uses 0), flushed before each use, so a developer's running shop keeps its
data. The tests that share it must not run in parallel against the same server.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from adapters.redis.client import create_redis

DEFAULT_URL = "redis://127.0.0.1:56379/0"
TEST_DB = 15
TIMEOUT_SECONDS = 2.0


def redis_url() -> str:
    """Where the real Redis listens (``MARKETPLACE_REDIS_URL``, as the app reads it)."""
    return os.environ.get("MARKETPLACE_REDIS_URL", DEFAULT_URL)


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


async def scratch_redis(db: int = TEST_DB) -> aioredis.Redis:
    """A client (made by the app's own ``create_redis``) on database ``db``, flushed. Close it after use.

    Fails the test, never skips it, when Redis does not answer: an infra test that silently passes
    without its server proves nothing.
    """
    url = with_db(redis_url(), db)
    client = create_redis(url, TIMEOUT_SECONDS)
    try:
        await client.ping()
        await client.flushdb()
    except (RedisConnectionError, RedisTimeoutError) as error:
        problem = str(error)
    else:
        return client
    await client.aclose()
    pytest.fail(
        f"Redis does not answer at {url} ({problem}). Start the test servers with `scripts/services up` "
        "(or point MARKETPLACE_REDIS_URL at a running Redis 7).",
        pytrace=False,
    )
