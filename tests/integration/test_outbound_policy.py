"""The outbound policy both external APIs' clients use (adapters.outbound), against a stub on loopback:
what is repeated, how long it may all take, and what is counted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from adapters.outbound import OutboundApi, OutboundMetrics, OutboundPolicy, Unreachable


class Failing:
    """Answers 503 to everything, and counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.asked.append((request.method, request.headers.get("Idempotency-Key")))
        return web.json_response({"error": "down"}, status=503)


@pytest.fixture
async def failing() -> AsyncIterator[tuple[Failing, str]]:
    stub = Failing()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stub.handle)
    server = TestServer(app)
    await server.start_server()
    try:
        yield stub, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


class Clock:
    """The pauses the policy asks for, taken at once: time moves by them only."""

    def __init__(self) -> None:
        self.paused: list[float] = []
        self.now = 0.0

    async def sleep(self, seconds: float) -> None:
        self.paused.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def api(url: str, clock: Clock, **policy: Any) -> OutboundApi:
    settings: dict[str, Any] = {"timeout_seconds": 2.0, "retries": 3, "backoff_seconds": 0.5, **policy}
    metrics = OutboundMetrics(CollectorRegistry())
    return OutboundApi(
        "stub", url, OutboundPolicy(**settings), metrics=metrics, sleep=clock.sleep, monotonic=clock.monotonic
    )


@pytest.mark.parametrize(
    ("method", "key", "tries"),
    [("GET", None, 4), ("POST", "order-1:book", 4), ("POST", None, 1), ("DELETE", None, 1)],
)
async def test_only_what_is_safe_to_repeat_is_repeated(
    failing: tuple[Failing, str], method: str, key: str | None, tries: int
) -> None:
    stub, url = failing
    client = api(url, Clock())
    try:
        with pytest.raises(Unreachable):
            await client.call(method, "/v1/thing", key=key)
    finally:
        await client.close()
    assert stub.asked == [(method, key)] * tries


async def test_pauses_double_with_a_little_jitter(failing: tuple[Failing, str]) -> None:
    _, url = failing
    clock = Clock()
    client = api(url, clock)
    try:
        with pytest.raises(Unreachable):
            await client.call("GET", "/v1/thing")
    finally:
        await client.close()
    assert len(clock.paused) == 3
    for pause, base in zip(clock.paused, (0.5, 1.0, 2.0), strict=True):
        assert base <= pause <= base * 1.1


async def test_no_repeat_starts_past_the_deadline(failing: tuple[Failing, str]) -> None:
    stub, url = failing
    clock = Clock()
    client = api(url, clock, retries=10, backoff_seconds=1.0, deadline_seconds=2.5)
    try:
        with pytest.raises(Unreachable, match="no time left"):
            await client.call("GET", "/v1/thing")
    finally:
        await client.close()
    # A try, a pause of 1 s, a try: a pause of 2 s more would end past 2.5 s.
    assert len(stub.asked) == 2
    assert clock.paused == pytest.approx([1.0], rel=0.1)


async def test_every_try_is_counted_by_api_method_and_outcome(failing: tuple[Failing, str]) -> None:
    _, url = failing
    client = api(url, Clock(), retries=1)
    try:
        with pytest.raises(Unreachable):
            await client.call("POST", "/v1/thing", key="k-1")
    finally:
        await client.close()
    tries = client.metrics.tries.labels("stub", "POST", "503")._value.get()
    assert tries == 2
