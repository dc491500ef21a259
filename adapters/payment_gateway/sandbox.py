"""The sandbox gateway on the web: ``GatewaySimulator`` behind the REST API a real gateway offers.

API (``Authorization: Bearer <api key>`` and an ``Idempotency-Key`` header on every call)::

    POST /v1/authorizations                  {amount, currency, token, reference}
    POST /v1/authorizations/{id}/capture     {amount}
    POST /v1/authorizations/{id}/void
    POST /v1/refunds                         {authorization_id, amount}
    GET  /v1/operations/{idempotency_key}    the stored outcome of a call

Control, sandbox only and without auth: GET /sandbox/ledger, GET /sandbox/webhooks (the events sent),
POST /sandbox/faults {failure_rate, timeout_rate, seed, webhooks}. A late answer (tok_timeout, or an
injected timeout) is held back ``slow_seconds``, longer than any client waits. With a ``webhook_url``,
each event is POSTed there signed (``Gateway-Signature``), retried a few times, in the background.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
from aiohttp import web

from adapters.payment_gateway.simulator import Answer, GatewaySimulator
from core.payments.webhooks import SIGNATURE_HEADER
from core.shared.signatures import sign
from ports.shared import Clock

log = logging.getLogger(__name__)

SIMULATOR: web.AppKey[GatewaySimulator] = web.AppKey("simulator")
WEBHOOK_TRIES = 4
WEBHOOK_BACKOFF_SECONDS = 0.2


def _json(answer: Answer) -> web.Response:
    return web.json_response(answer.body, status=answer.status)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


class _Refused(Exception):
    def __init__(self, response: web.Response) -> None:
        self.response = response


async def _body(request: web.Request, fields: dict[str, type]) -> dict[str, Any]:
    try:
        data = await request.json() if request.can_read_body else {}
    except (ValueError, UnicodeDecodeError):
        raise _Refused(_error(400, "invalid_json", "the body is not JSON")) from None
    if not isinstance(data, dict):
        raise _Refused(_error(400, "invalid_request", "the body must be a JSON object"))
    for name, kind in fields.items():
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, kind):
            raise _Refused(_error(422, "invalid_request", f"{name} is required ({kind.__name__})"))
    return data


def create_sandbox_app(
    simulator: GatewaySimulator,
    *,
    api_key: str,
    webhook_url: str | None,
    webhook_secret: str,
    slow_seconds: float = 6.0,
) -> web.Application:
    async def answer(request: web.Request, call: Any) -> web.StreamResponse:
        if request.headers.get("Authorization", "") != f"Bearer {api_key}":
            return _error(401, "unauthorized", "send Authorization: Bearer <api key>")
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return _error(400, "missing_idempotency_key", "every call needs an Idempotency-Key header")
        try:
            result: Answer = await call(request, key)
        except _Refused as refused:
            return refused.response
        if result.late:
            await asyncio.sleep(slow_seconds)  # processed, but the client has given up by now
        return _json(result)

    async def authorize(request: web.Request, key: str) -> Answer:
        b = await _body(request, {"amount": int, "currency": str, "token": str, "reference": str})
        return simulator.authorize(key, b["amount"], b["currency"], b["token"], b["reference"])

    async def capture(request: web.Request, key: str) -> Answer:
        b = await _body(request, {"amount": int})
        return simulator.capture(key, request.match_info["authorization_id"], b["amount"])

    async def void(request: web.Request, key: str) -> Answer:
        return simulator.void(key, request.match_info["authorization_id"])

    async def refund(request: web.Request, key: str) -> Answer:
        b = await _body(request, {"authorization_id": str, "amount": int})
        return simulator.refund(key, b["authorization_id"], b["amount"])

    async def operation(request: web.Request, key: str) -> Answer:
        return simulator.operation(request.match_info["key"])

    def route(call: Any) -> Any:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await answer(request, call)

        return handle

    async def ledger(request: web.Request) -> web.Response:
        return web.json_response(simulator.ledger())

    async def webhooks(request: web.Request) -> web.Response:
        return web.json_response(list(simulator.webhooks))

    async def faults(request: web.Request) -> web.Response:
        try:
            data = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _error(400, "invalid_json", "the body is not JSON")
        rates = (
            {name: data.get(name, 0.0) for name in ("failure_rate", "timeout_rate")} if isinstance(data, dict) else {}
        )
        if not rates or not all(
            isinstance(r, int | float) and not isinstance(r, bool) and 0 <= r <= 1 for r in rates.values()
        ):
            return _error(422, "invalid_request", "failure_rate and timeout_rate are numbers from 0 to 1")
        seed = data.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            return _error(422, "invalid_request", "seed is an integer")
        simulator.set_faults(float(rates["failure_rate"]), float(rates["timeout_rate"]), seed)
        if isinstance(data.get("webhooks"), bool):
            simulator.deliver_webhooks = data["webhooks"]
        return web.json_response(
            {
                "failure_rate": simulator.failure_rate,
                "timeout_rate": simulator.timeout_rate,
                "webhooks": simulator.deliver_webhooks,
            }
        )

    app = web.Application()
    app[SIMULATOR] = simulator
    app.router.add_post("/v1/authorizations", route(authorize))
    app.router.add_post("/v1/authorizations/{authorization_id}/capture", route(capture))
    app.router.add_post("/v1/authorizations/{authorization_id}/void", route(void))
    app.router.add_post("/v1/refunds", route(refund))
    app.router.add_get("/v1/operations/{key}", route(operation))
    app.router.add_get("/sandbox/ledger", ledger)
    app.router.add_get("/sandbox/webhooks", webhooks)
    app.router.add_post("/sandbox/faults", faults)
    if webhook_url is not None:
        sender = WebhookSender(webhook_url, webhook_secret, simulator.clock)
        simulator.listeners.append(sender.send)
        app.on_cleanup.append(lambda _: sender.close())
    return app


class WebhookSender:
    """POSTs each event, signed, to the shop; retried a few times when the shop does not take it."""

    def __init__(self, url: str, secret: str, clock: Clock) -> None:
        # Signed with the gateway's clock: the shop checks the time against its own, and in tests the two
        # share one clock that the tests move.
        self.url, self._secret, self._clock = url, secret, clock
        self._session: aiohttp.ClientSession | None = None

    async def send(self, event: dict[str, Any]) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        body = json.dumps(event).encode()
        problem = ""
        for attempt in range(WEBHOOK_TRIES):
            if attempt:
                await asyncio.sleep(WEBHOOK_BACKOFF_SECONDS * 2 ** (attempt - 1))
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(self._secret, int(self._clock.now().timestamp()), body),
            }
            try:
                async with self._session.post(self.url, data=body, headers=headers) as response:
                    if response.status < 300:
                        return
                    problem = f"HTTP {response.status}"
                    if 400 <= response.status < 500 and response.status not in (408, 429):
                        break  # refused (a bad signature, say): sending it again changes nothing
            except (aiohttp.ClientError, TimeoutError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
        log.warning("sandbox gateway: webhook %s not delivered to %s (%s)", event["id"], self.url, problem)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
