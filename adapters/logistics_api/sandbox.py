"""The sandbox carrier as an HTTP server (``marketplace sandbox logistics``, and tests on loopback).

The API, as a real carrier's (Bearer api key; an ``Idempotency-Key`` header on create and cancel)::

    POST /v1/shipments {reference, address, parcels}   201 {tracking_number, label_url, status}; 200 on a replay
    POST /v1/shipments/{tn}/cancel                     200 {tracking_number, status}; 409 once picked up
    GET  /v1/shipments/{tn}                            200 {tracking_number, reference, status, label_url, events}
    GET  /v1/labels/{tn}                               the label (plain text; no key: a printer fetches it)

The controls a test drives (no key)::

    POST /sandbox/shipments/{tn}/advance | deliver | lose
    GET  /sandbox/webhooks                             {events, sent, failed}
    POST /sandbox/faults {failure_rate, seed}          that share of API calls answer 503 before acting

The simulator moves parcels every ``tick_seconds`` (a background task). When ``webhook_url`` is set every
event is POSTed there in order, signed (``Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>">``), and retried a few times before it is given up (the shop's poller catches up then).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from aiohttp import web

from adapters.logistics_api.simulator import CarrierSimulator, ParcelRefused, SandboxParcel, TooLate, UnknownParcel
from core.shared.signatures import sign

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Carrier-Signature"
WEBHOOK_RETRY_DELAYS = (0.2, 1.0, 3.0)
_ADDRESS_FIELDS = ("recipient", "line1", "city", "postal_code", "country")
_SIMULATOR = web.AppKey("simulator", CarrierSimulator)
_SETTINGS = web.AppKey("settings", dict)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _label_base(request: web.Request) -> str:
    return f"{request.url.origin()}/v1/labels"


def _parcel_json(request: web.Request, parcel: SandboxParcel) -> dict[str, Any]:
    return parcel.as_json(_label_base(request))


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _api(*, idempotent: bool = False) -> Callable[[Handler], Handler]:
    """An API route: the key, the idempotency key where needed, the injected faults, unknown parcels."""

    def wrap(handler: Handler) -> Handler:
        async def checked(request: web.Request) -> web.StreamResponse:
            settings = request.app[_SETTINGS]
            supplied = request.headers.get("Authorization", "")
            if not hmac.compare_digest(supplied.encode(), f"Bearer {settings['api_key']}".encode()):
                return _error(401, "a valid Bearer api key is required")
            if idempotent and not request.headers.get("Idempotency-Key", "").strip():
                return _error(400, "an Idempotency-Key header is required")
            if request.app[_SIMULATOR].fails():
                return _error(503, "the sandbox carrier is having a bad moment (an injected fault)")
            try:
                return await handler(request)
            except UnknownParcel:
                return _error(404, "no such shipment")

        return checked

    return wrap


def _booking(data: Any) -> tuple[str, dict[str, Any], list[Any]] | str:
    """(reference, address, parcels), or what is wrong with the request."""
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    reference, address, parcels = data.get("reference"), data.get("address"), data.get("parcels")
    if not isinstance(reference, str) or not reference.strip():
        return "reference is required"
    if not isinstance(address, dict) or not all(isinstance(address.get(f), str) for f in _ADDRESS_FIELDS):
        return f"address needs {', '.join(_ADDRESS_FIELDS)}"
    if not isinstance(parcels, list) or not parcels:
        return "parcels must be a non-empty list"
    return reference, address, parcels


@_api(idempotent=True)
async def create_shipment(request: web.Request) -> web.StreamResponse:
    simulator = request.app[_SIMULATOR]
    key = request.headers["Idempotency-Key"].strip()
    replay = simulator.booked(key)
    if replay is not None:
        return web.json_response(_summary(request, replay), status=200)
    try:
        booking = _booking(await request.json())
    except ValueError:
        booking = "the body must be JSON"
    if isinstance(booking, str):
        return _error(422, booking)
    try:
        parcel = await simulator.create(key, *booking)
    except ParcelRefused as refused:
        return _error(422, str(refused))
    return web.json_response(_summary(request, parcel), status=201)


def _summary(request: web.Request, parcel: SandboxParcel) -> dict[str, Any]:
    data = _parcel_json(request, parcel)
    return {k: data[k] for k in ("tracking_number", "label_url", "status")}


@_api(idempotent=True)
async def cancel_shipment(request: web.Request) -> web.StreamResponse:
    number = request.match_info["tn"]
    if not await request.app[_SIMULATOR].cancel(number):
        return _error(409, "too late: the carrier has picked the parcel up")
    return web.json_response({"tracking_number": number, "status": "cancelled"})


@_api()
async def get_shipment(request: web.Request) -> web.StreamResponse:
    parcel = request.app[_SIMULATOR].parcel(request.match_info["tn"])
    return web.json_response(_parcel_json(request, parcel))


async def get_label(request: web.Request) -> web.StreamResponse:
    try:
        parcel = request.app[_SIMULATOR].parcel(request.match_info["tn"])
    except UnknownParcel:
        return _error(404, "no such shipment")
    address = parcel.address
    text = (
        f"SANDBOX CARRIER - SHIPPING LABEL\n{parcel.tracking_number}\nref {parcel.reference}\n\n"
        f"{address.get('recipient', '')}\n{address.get('line1', '')}\n"
        f"{address.get('postal_code', '')} {address.get('city', '')}\n{address.get('country', '')}\n"
    )
    return web.Response(text=text, content_type="text/plain")


async def control(request: web.Request) -> web.StreamResponse:
    simulator = request.app[_SIMULATOR]
    action = {"advance": simulator.advance, "deliver": simulator.deliver, "lose": simulator.lose}.get(
        request.match_info["action"]
    )
    if action is None:
        return _error(404, "the controls are advance, deliver and lose")
    try:
        parcel = await action(request.match_info["tn"])
    except UnknownParcel:
        return _error(404, "no such shipment")
    except TooLate as late:
        return _error(409, str(late))
    return web.json_response(_parcel_json(request, parcel))


async def list_webhooks(request: web.Request) -> web.StreamResponse:
    settings = request.app[_SETTINGS]
    return web.json_response(
        {"events": list(request.app[_SIMULATOR].webhooks), "sent": settings["sent"], "failed": settings["failed"]}
    )


async def set_faults(request: web.Request) -> web.StreamResponse:
    try:
        data = await request.json()
    except ValueError:
        data = None
    rate = data.get("failure_rate") if isinstance(data, dict) else None
    seed = data.get("seed") if isinstance(data, dict) else None
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        return _error(422, "failure_rate must be a number from 0 to 1")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        return _error(422, "seed must be an integer or null")
    simulator = request.app[_SIMULATOR]
    simulator.failure_rate = float(rate)
    simulator.reseed(seed)
    return web.json_response({"failure_rate": simulator.failure_rate, "seed": seed})


async def _tick(simulator: CarrierSimulator, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await simulator.tick()
        except Exception:
            log.exception("the sandbox carrier's tick failed")


async def _send_webhooks(
    simulator: CarrierSimulator,
    queue: asyncio.Queue[dict[str, Any]],
    url: str,
    secret: str,
    settings: dict[str, Any],
    delays: Sequence[float],
) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        while True:
            event = await queue.get()
            body = json.dumps(event).encode()
            for delay in (*delays, None):
                try:
                    # Signed by the carrier's clock: the shop checks it against its own (in tests, one clock).
                    signed_at = int(simulator.clock.now().timestamp())
                    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, signed_at, body)}
                    async with session.post(url, data=body, headers=headers) as response:
                        if response.status < 300:
                            settings["sent"].append(event["id"])
                            break
                        log.warning("webhook %s answered %d", event["id"], response.status)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    log.warning("webhook %s not delivered: %r", event["id"], exc)
                if delay is None:
                    settings["failed"].append(event["id"])
                    break
                await asyncio.sleep(delay)


def create_sandbox_app(
    simulator: CarrierSimulator,
    *,
    api_key: str,
    webhook_url: str | None,
    webhook_secret: str,
    tick_seconds: float = 1.0,
    webhook_retry_delays: Sequence[float] = WEBHOOK_RETRY_DELAYS,
) -> web.Application:
    app = web.Application()
    app[_SIMULATOR] = simulator
    settings: dict[str, Any] = {"api_key": api_key, "sent": [], "failed": []}
    app[_SETTINGS] = settings
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def enqueue(event: dict[str, Any]) -> None:
        queue.put_nowait(event)

    async def background(app: web.Application) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        tasks = [loop.create_task(_tick(simulator, tick_seconds))]
        if webhook_url:
            simulator.listeners.append(enqueue)
            tasks.append(
                loop.create_task(
                    _send_webhooks(simulator, queue, webhook_url, webhook_secret, settings, webhook_retry_delays)
                )
            )
        yield
        if enqueue in simulator.listeners:
            simulator.listeners.remove(enqueue)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.cleanup_ctx.append(background)
    app.router.add_post("/v1/shipments", create_shipment)
    app.router.add_post("/v1/shipments/{tn}/cancel", cancel_shipment)
    app.router.add_get("/v1/shipments/{tn}", get_shipment)
    app.router.add_get("/v1/labels/{tn}", get_label)
    app.router.add_post("/sandbox/shipments/{tn}/{action}", control)
    app.router.add_get("/sandbox/webhooks", list_webhooks)
    app.router.add_post("/sandbox/faults", set_faults)
    return app
