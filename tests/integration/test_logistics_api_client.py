"""The HTTP carrier client's retry policy against small stub servers on loopback, and the sandbox
carrier's signed webhooks reaching a stub receiver."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.logistics_api.client import HttpLogisticsApi
from adapters.logistics_api.sandbox import create_sandbox_app
from adapters.logistics_api.simulator import CarrierSimulator
from adapters.memory.clock import ManualClock
from core.shared.addresses import PostalAddress
from core.shared.signatures import verify
from ports.logistics import CarrierRejected, CarrierUnavailable

KEY = "a-sandbox-api-key-for-tests"
SECRET = "a-webhook-secret-for-tests"
HOME = PostalAddress(recipient="Ann", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE")
CREATED = {"tracking_number": "SBX0000000001", "label_url": "http://x/v1/labels/SBX0000000001", "status": "accepted"}


class Stub:
    """A carrier that answers each request with the next of ``answers`` (the last one repeats)."""

    def __init__(self, answers: list[Callable[[], Any]]) -> None:
        self.answers = answers
        self.requests: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "key": request.headers.get("Idempotency-Key"),
                "auth": request.headers.get("Authorization"),
                "body": await request.text(),
            }
        )
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        result = answer()
        if asyncio.iscoroutine(result):
            result = await result
        return result  # type: ignore[no-any-return]


def status(code: int, body: Any = None) -> Callable[[], web.Response]:
    return lambda: web.json_response(body or {"error": f"stub {code}"}, status=code)


def slow() -> Callable[[], Any]:
    async def answer() -> web.Response:
        await asyncio.sleep(5)
        return web.json_response(CREATED, status=201)

    return answer


@pytest.fixture
async def stub_server() -> AsyncIterator[Callable[[list[Callable[[], Any]]], Any]]:
    servers: list[TestServer] = []

    async def start(answers: list[Callable[[], Any]]) -> tuple[Stub, str]:
        stub = Stub(answers)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", stub.handle)
        server = TestServer(app)
        await server.start_server()
        servers.append(server)
        return stub, str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()


class Pauses:
    def __init__(self) -> None:
        self.taken: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)


def client(url: str, pauses: Pauses, *, retries: int = 2, timeout: float = 5) -> HttpLogisticsApi:
    return HttpLogisticsApi(url, KEY, timeout_seconds=timeout, retries=retries, backoff_seconds=0.5, sleep=pauses)


async def test_a_5xx_is_retried_with_the_same_idempotency_key_and_growing_pauses(stub_server: Any) -> None:
    stub, url = await stub_server([status(503), status(502), lambda: web.json_response(CREATED, status=201)])
    pauses = Pauses()
    api = client(url, pauses)
    try:
        booked = await api.create_shipment("o-1:shipment", "o-1", HOME, [])
    finally:
        await api.close()
    assert booked.tracking_number == "SBX0000000001"
    assert [r["key"] for r in stub.requests] == ["o-1:shipment"] * 3
    assert {r["auth"] for r in stub.requests} == {f"Bearer {KEY}"}
    assert json.loads(stub.requests[0]["body"])["reference"] == "o-1"
    # Exponential from the base, each with at most 10 % jitter on top.
    assert 0.5 <= pauses.taken[0] <= 0.55
    assert 1.0 <= pauses.taken[1] <= 1.1


async def test_after_the_last_retry_the_carrier_is_unavailable(stub_server: Any) -> None:
    stub, url = await stub_server([status(500)])
    pauses = Pauses()
    api = client(url, pauses, retries=2)
    try:
        with pytest.raises(CarrierUnavailable):
            await api.track("SBX0000000001")
    finally:
        await api.close()
    assert len(stub.requests) == 3
    assert len(pauses.taken) == 2


@pytest.mark.parametrize("code", [400, 401, 404, 422])
async def test_a_4xx_is_not_retried(stub_server: Any, code: int) -> None:
    stub, url = await stub_server([status(code, {"error": "we do not deliver there"})])
    pauses = Pauses()
    api = client(url, pauses)
    try:
        with pytest.raises(CarrierRejected) as refused:
            await api.create_shipment("k", "o-1", HOME, [])
    finally:
        await api.close()
    assert refused.value.status == code
    assert len(stub.requests) == 1
    assert pauses.taken == []


async def test_a_timeout_is_retried(stub_server: Any) -> None:
    stub, url = await stub_server([slow(), lambda: web.json_response(CREATED, status=201)])
    pauses = Pauses()
    api = client(url, pauses, timeout=0.2)
    try:
        booked = await api.create_shipment("k", "o-1", HOME, [])
    finally:
        await api.close()
    assert booked.status == "accepted"
    assert len(stub.requests) == 2
    assert len(pauses.taken) == 1


async def test_a_carrier_that_is_not_listening_is_unavailable() -> None:
    pauses = Pauses()
    api = client("http://127.0.0.1:9", pauses, retries=1)
    try:
        with pytest.raises(CarrierUnavailable):
            await api.track("SBX0000000001")
    finally:
        await api.close()
    assert len(pauses.taken) == 1


async def test_cancel_409_is_too_late_and_sends_an_idempotency_key(stub_server: Any) -> None:
    stub, url = await stub_server([status(409)])
    api = client(url, Pauses())
    try:
        assert await api.cancel("SBX0000000001") is False
    finally:
        await api.close()
    assert stub.requests[0]["path"] == "/v1/shipments/SBX0000000001/cancel"
    assert stub.requests[0]["key"] == "SBX0000000001:cancel"


async def test_the_sandbox_sends_signed_webhooks_in_order_and_retries_a_failed_one() -> None:
    received: list[tuple[str, bytes]] = []
    refusals = [500]  # the receiver fails the first delivery once

    async def receive(request: web.Request) -> web.Response:
        raw = await request.read()
        if refusals:
            return web.Response(status=refusals.pop())
        received.append((request.headers.get("Carrier-Signature", ""), raw))
        return web.json_response({"received": True})

    receiver_app = web.Application()
    receiver_app.router.add_post("/hook", receive)
    simulator = CarrierSimulator(ManualClock(), step_seconds=0)
    async with TestServer(receiver_app) as receiver:
        sandbox = create_sandbox_app(
            simulator,
            api_key=KEY,
            webhook_url=str(receiver.make_url("/hook")),
            webhook_secret=SECRET,
            webhook_retry_delays=(0.01, 0.01),
        )
        async with TestServer(sandbox):
            parcel = await simulator.create("k", "o-1", {"city": "Berlin", "postal_code": "10115"}, [])
            await simulator.deliver(parcel.tracking_number)
            for _ in range(500):
                if len(received) == 4:
                    break
                await asyncio.sleep(0.01)
    assert [json.loads(raw)["status"] for _, raw in received] == [
        "accepted",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
    for header, raw in received:
        # Signed at the carrier's time (here a ManualClock): raises when one is not good.
        verify("Carrier-Signature", SECRET, header, raw, simulator.clock.now().timestamp())
