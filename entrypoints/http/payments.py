"""Payments routes: the gateway's webhook, a customer's payment of their order, the admin's list."""

from __future__ import annotations

import json
from typing import Any

import attrs

from config.settings import Settings
from core.payments import commands as c
from core.payments import use_cases as uc
from core.payments.webhooks import SIGNATURE_HEADER, read_event, verify_signature
from core.shared.errors import FieldError
from core.shared.pagination import MAX_LIMIT, PageRequest
from entrypoints.http.problems import MalformedBody
from entrypoints.http.routing import ADMIN, Call, Endpoint
from entrypoints.http.schema import limits
from ports.checkout import PaymentStatus
from ports.shared import Clock

TAG = "payments"


@attrs.frozen
class PaymentsQuery:
    status: PaymentStatus | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class PaymentPage:
    items: list[c.PaymentSummary]
    next_cursor: str | None


async def receive_gateway_webhook(call: Call[None, None]) -> c.WebhookReceipt:
    raw = await call.request.read()
    settings = call.resolve(Settings)
    # The signature is checked over the bytes as sent, before anything is read from them; its freshness
    # (against replays on the wire) by the shop's clock, which the gateway's must agree with.
    now = call.resolve(Clock).now().timestamp()
    verify_signature(settings.payment_webhook_secret, call.request.headers.get(SIGNATURE_HEADER), raw, now)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedBody([FieldError("body", f"is not valid JSON ({exc})")]) from None
    return await call.resolve(uc.ReceiveGatewayEvent)(read_event(data))


async def get_order_payment(call: Call[None, None]) -> c.PaymentView:
    command = c.GetOrderPayment(call.user, call.path("order_id"))
    return await call.resolve(uc.ShowOrderPayment)(command)


async def list_payments(call: Call[None, PaymentsQuery]) -> PaymentPage:
    q = call.query
    page = await call.resolve(uc.ListAllPayments)(c.ListPayments(call.user, q.status, PageRequest(q.limit, q.cursor)))
    return PaymentPage(list(page.items), page.next_cursor)


def _payments(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, tag=TAG, **kw)


ENDPOINTS = [
    _payments(
        "POST",
        "/payments/webhooks/gateway",
        receive_gateway_webhook,
        "The payment gateway reports what became of an operation (a webhook)",
        authenticated=False,
        response=c.WebhookReceipt,
        errors=(400, 401, 409, 413, 422),
        description=f"Called by the gateway, not by people: no bearer token, but a `{SIGNATURE_HEADER}: "
        "t=<unix seconds>,v1=<hex>` header, hex being HMAC-SHA256 of `<t>.<raw body>` with the webhook "
        "secret; a missing, wrong or stale (over 300 s) signature is 401. The body is the gateway's event "
        "{id, type, idempotency_key, authorization_id, reference, amount, currency, created}. An event "
        "seen before, or about an operation already settled, changes nothing and is answered 200.",
    ),
    _payments(
        "GET",
        "/orders/{order_id}/payment",
        get_order_payment,
        "The payment of one of the caller's orders",
        response=c.PaymentView,
        errors=(404,),
        description="Its status, amounts and history; never the card token. Another user's order is 404.",
    ),
    _payments(
        "GET",
        "/payments",
        list_payments,
        "List payments, newest first (status=authorizing: those the payment error worker retries)",
        group=ADMIN,
        query=PaymentsQuery,
        response=PaymentPage,
    ),
]
