"""The PaymentGateway contract: the in-process adapter and the HTTP adapter against the sandbox app on a
loopback port give the same answers for every test card token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from adapters.memory.clock import ManualClock
from adapters.payment_gateway.client import HttpPaymentGateway
from adapters.payment_gateway.memory import SimulatedPaymentGateway
from adapters.payment_gateway.sandbox import create_sandbox_app
from adapters.payment_gateway.simulator import GatewaySimulator
from core.shared.money import Money
from ports.payment_gateway import (
    GatewayAuthorization,
    GatewayRejected,
    GatewayStatus,
    GatewayUnavailable,
    PaymentGateway,
)

KEY = "sandbox-api-key-for-tests"
EUR = Money(1999, "EUR")


@pytest.fixture(params=["memory", "http"])
async def gateway(request: pytest.FixtureRequest) -> AsyncIterator[tuple[PaymentGateway, GatewaySimulator]]:
    simulator = GatewaySimulator(ManualClock(), seed=1)
    if request.param == "memory":
        yield SimulatedPaymentGateway(simulator, retries=0), simulator
        return
    app = create_sandbox_app(simulator, api_key=KEY, webhook_url=None, webhook_secret="x" * 16, slow_seconds=2.0)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    client = HttpPaymentGateway(f"http://127.0.0.1:{port}", KEY, timeout_seconds=0.5, retries=0)
    try:
        yield client, simulator
    finally:
        await client.close()
        await runner.cleanup()


@pytest.mark.parametrize("token", ["tok_visa", "tok_mastercard"])
async def test_a_good_card_is_authorized_captured_and_refunded(
    gateway: tuple[PaymentGateway, GatewaySimulator], token: str
) -> None:
    g, simulator = gateway
    authorization = await g.authorize("p1:authorize", EUR, token, "order-1")
    assert authorization.status is GatewayStatus.AUTHORIZED
    capture = await g.capture("p1:capture", authorization.id, EUR)
    refund = await g.refund("p1:refund", authorization.id, EUR)
    assert (capture.status, capture.amount, refund.status) == (GatewayStatus.CAPTURED, EUR, GatewayStatus.REFUNDED)
    assert await g.authorize("p1:authorize", EUR, token, "order-1") == authorization
    assert await g.lookup("p1:capture") == capture
    ledger = simulator.ledger()["EUR"]
    assert ledger["authorized"] == ledger["captured"] == ledger["refunded"] == {"amount": 1999, "count": 1}


@pytest.mark.parametrize(
    ("token", "code"), [("tok_decline", "card_declined"), ("tok_insufficient_funds", "insufficient_funds")]
)
async def test_a_decline_is_an_answer(gateway: tuple[PaymentGateway, GatewaySimulator], token: str, code: str) -> None:
    g, _ = gateway
    declined = await g.authorize("p2:authorize", EUR, token, "order-2")
    assert (declined.status, declined.decline_code) == (GatewayStatus.DECLINED, code)
    assert await g.lookup("p2:authorize") == declined


async def test_a_timeout_is_unavailable_but_the_gateway_did_it(
    gateway: tuple[PaymentGateway, GatewaySimulator],
) -> None:
    g, _ = gateway
    with pytest.raises(GatewayUnavailable):
        await g.authorize("p3:authorize", EUR, "tok_timeout", "order-3")
    found = await g.lookup("p3:authorize")
    assert isinstance(found, GatewayAuthorization)
    assert found.status is GatewayStatus.AUTHORIZED
    with pytest.raises(GatewayUnavailable):  # a repeat is not processed twice, and is answered too late again
        await g.authorize("p3:authorize", EUR, "tok_timeout", "order-3")
    assert await g.lookup("p3:authorize") == found


async def test_an_unavailable_gateway_never_processes(gateway: tuple[PaymentGateway, GatewaySimulator]) -> None:
    g, _ = gateway
    for _ in range(3):
        with pytest.raises(GatewayUnavailable):
            await g.authorize("p4:authorize", EUR, "tok_unavailable", "order-4")
    assert await g.lookup("p4:authorize") is None


async def test_a_flaky_gateway_answers_the_third_time(gateway: tuple[PaymentGateway, GatewaySimulator]) -> None:
    g, _ = gateway
    for _ in range(2):
        with pytest.raises(GatewayUnavailable):
            await g.authorize("p5:authorize", EUR, "tok_flaky", "order-5")
    assert (await g.authorize("p5:authorize", EUR, "tok_flaky", "order-5")).status is GatewayStatus.AUTHORIZED


async def test_bad_requests_are_rejected(gateway: tuple[PaymentGateway, GatewaySimulator]) -> None:
    g, _ = gateway
    with pytest.raises(GatewayRejected) as unknown:
        await g.authorize("p6:authorize", EUR, "tok_nobody", "order-6")
    assert unknown.value.reason == "invalid_token"
    authorization = await g.authorize("p7:authorize", EUR, "tok_visa", "order-7")
    await g.void("p7:void", authorization.id)
    with pytest.raises(GatewayRejected):
        await g.capture("p7:capture", authorization.id, EUR)
    with pytest.raises(GatewayRejected):
        await g.capture("p8:capture", "auth_missing", EUR)
    with pytest.raises(GatewayRejected):
        await g.authorize("p7:authorize", Money(1, "EUR"), "tok_visa", "order-7")  # the key, reused
