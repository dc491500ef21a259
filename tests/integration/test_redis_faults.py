"""When Redis is down or hangs, the Redis adapters raise ``Unavailable`` (HTTP 503), never a redis error.

No Redis server is needed: one client points at a port nobody listens on, the other at a server that
accepts connections and never answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from adapters.memory.clock import ManualClock
from adapters.redis.client import RedisHealth, create_redis
from adapters.redis.sessions import RedisSessionStore
from adapters.redis.window_counter import RedisWindowCounter
from core.auth.model import Session
from core.shared.errors import Unavailable

TIMEOUT_SECONDS = 0.3


@pytest.fixture
async def refused() -> AsyncIterator[aioredis.Redis]:
    client = create_redis("redis://127.0.0.1:1/0", TIMEOUT_SECONDS)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def silent() -> AsyncIterator[aioredis.Redis]:
    """A client of a server that accepts the connection and then says nothing, as a hung Redis does."""
    connections: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        while await reader.read(4096):
            pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = create_redis(f"redis://127.0.0.1:{port}/0", TIMEOUT_SECONDS)
    try:
        yield client
    finally:
        await client.aclose()
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()


def call(client: aioredis.Redis, operation: str) -> Callable[[], Awaitable[object]]:
    clock = ManualClock()
    sessions = RedisSessionStore(client, clock)
    failures = RedisWindowCounter(client)
    now = clock.now()
    laptop = Session(id="s1", user_id="alice", created_at=now, expires_at=now + timedelta(hours=1))
    operations: dict[str, Callable[[], Awaitable[object]]] = {
        "sessions.add": lambda: sessions.add(laptop),
        "sessions.get": lambda: sessions.get("s1"),
        "sessions.remove": lambda: sessions.remove("s1"),
        "sessions.remove_all": lambda: sessions.remove_all("alice", keep="s1"),
        "sessions.list_for_user": lambda: sessions.list_for_user("alice"),
        "failures.add": lambda: failures.add("login:account:a@example.com", 60),
        "failures.get": lambda: failures.get("login:account:a@example.com"),
        "failures.clear": lambda: failures.clear("login:account:a@example.com"),
        "health.check": lambda: RedisHealth("redis", client).check(),
    }
    return operations[operation]


OPERATIONS = [
    "sessions.add",
    "sessions.get",
    "sessions.remove",
    "sessions.remove_all",
    "sessions.list_for_user",
    "failures.add",
    "failures.get",
    "failures.clear",
    "health.check",
]


async def assert_unavailable(operation: Callable[[], Awaitable[object]]) -> None:
    with pytest.raises(Unavailable, match="Redis is unavailable") as caught:
        await operation()
    assert isinstance(caught.value.__cause__, RedisError | TimeoutError)  # kept for the logs


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_a_refused_connection_is_unavailable(refused: aioredis.Redis, operation: str) -> None:
    await assert_unavailable(call(refused, operation))


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_a_redis_that_does_not_answer_is_unavailable(silent: aioredis.Redis, operation: str) -> None:
    await assert_unavailable(call(silent, operation))
