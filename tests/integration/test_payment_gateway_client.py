"""The HTTP adapter's retry policy against small stub servers: 5xx and timeouts are retried with the same
Idempotency-Key, a 4xx never is."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from adapters.payment_gateway.client import HttpPaymentGateway
from core.shared.money import Money
from ports.payment_gateway import GatewayRejected, GatewayStatus, GatewayUnavailable

Handler = Callable[[web.Request], Awaitable[web.Response]]
AUTHORIZED = {"id": "auth_1", "object": "authorization", "status": "authorized", "amount": 100, "currency": "EUR"}


class Stub:
    def __init__(self) -> None:
        self.answers: list[Handler] = []
        self.keys: list[str] = []
        self.bearers: list[str] = []
        self.waits: list[float] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.keys.append(request.headers.get("Idempotency-Key", ""))
        self.bearers.append(request.headers.get("Authorization", ""))
        return await self.answers[min(len(self.keys), len(self.answers)) - 1](request)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


def status(code: int, body: dict[str, object] | None = None) -> Handler:
    async def answer(request: web.Request) -> web.Response:
        return web.json_response(body or {"error": {"code": "x", "message": "x"}}, status=code)

    return answer


def slow(seconds: float) -> Handler:
    async def answer(request: web.Request) -> web.Response:
        await asyncio.sleep(seconds)
        return web.json_response(AUTHORIZED)

    return answer


@pytest.fixture
async def stub() -> AsyncIterator[tuple[Stub, HttpPaymentGateway]]:
    server = Stub()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    client = HttpPaymentGateway(
        f"http://127.0.0.1:{port}", "the-api-key", timeout_seconds=0.3, retries=2, sleep=server.sleep
    )
    try:
        yield server, client
    finally:
        await client.close()
        await runner.cleanup()


async def test_5xx_and_timeouts_are_retried_with_the_same_key(stub: tuple[Stub, HttpPaymentGateway]) -> None:
    server, client = stub
    server.answers = [status(503), slow(1.0), status(200, AUTHORIZED)]

    result = await client.authorize("pay-1:authorize", Money(100, "EUR"), "tok_visa", "order-1")

    assert result.status is GatewayStatus.AUTHORIZED
    assert server.keys == ["pay-1:authorize"] * 3
    assert server.bearers == ["Bearer the-api-key"] * 3
    assert len(server.waits) == 2
    assert server.waits[0] < server.waits[1]


async def test_after_its_retries_the_outcome_is_unknown(stub: tuple[Stub, HttpPaymentGateway]) -> None:
    server, client = stub
    server.answers = [status(500)]
    with pytest.raises(GatewayUnavailable):
        await client.void("pay-1:void", "auth_1")
    assert len(server.keys) == 3


@pytest.mark.parametrize("code", [400, 401, 404, 409, 422])
async def test_a_4xx_is_never_retried(stub: tuple[Stub, HttpPaymentGateway], code: int) -> None:
    server, client = stub
    server.answers = [status(code)]
    with pytest.raises(GatewayRejected):
        await client.capture("pay-1:capture", "auth_1", Money(100, "EUR"))
    assert len(server.keys) == 1


async def test_a_decline_is_an_answer_not_retried(stub: tuple[Stub, HttpPaymentGateway]) -> None:
    server, client = stub
    server.answers = [status(402, {**AUTHORIZED, "status": "declined", "decline_code": "card_declined"})]
    result = await client.authorize("pay-2:authorize", Money(100, "EUR"), "tok_decline", "order-2")
    assert (result.status, result.decline_code, len(server.keys)) == (GatewayStatus.DECLINED, "card_declined", 1)


async def test_lookup_of_an_unknown_key_is_none(stub: tuple[Stub, HttpPaymentGateway]) -> None:
    server, client = stub
    server.answers = [status(404)]
    assert await client.lookup("pay-3:refund") is None
