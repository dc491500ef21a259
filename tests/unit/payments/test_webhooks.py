"""The gateway's webhooks: signed, settle an operation in flight, and change nothing twice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.payments.commands import GatewayEvent
from core.payments.events import PaymentAuthorized, PaymentCaptured
from core.payments.webhooks import read_event, signature_header, verify_signature
from core.shared.errors import Unauthenticated, ValidationFailed
from ports.checkout import PaymentStatus

from ..harness import Published
from .conftest import PaymentsApp

SECRET = "a-webhook-secret-of-some-length"
NOW = 1_780_000_000


def last_event(payments: PaymentsApp) -> GatewayEvent:
    return read_event(payments.simulator.webhooks[-1])


async def test_a_webhook_settles_a_timed_out_authorization(payments: PaymentsApp) -> None:
    published = Published(payments.bus)
    await payments.authorize(token="tok_timeout")

    receipt = await payments.receive(last_event(payments))

    assert receipt.result == "applied"
    assert (await payments.stored()).status is PaymentStatus.AUTHORIZED
    assert len(published.of(PaymentAuthorized)) == 1
    assert await payments.retry() == 0  # nothing left for the worker


async def test_a_duplicate_or_stale_webhook_changes_nothing(payments: PaymentsApp) -> None:
    published = Published(payments.bus)
    await payments.authorize()
    await payments.desk.capture("order-1")
    authorized, captured = (read_event(e) for e in payments.simulator.webhooks)
    before = await payments.stored()

    assert (await payments.receive(captured)).result == "stale"
    assert (await payments.receive(captured)).result == "duplicate"
    assert (await payments.receive(authorized)).result == "stale"

    after = await payments.stored()
    assert (after.status, after.version) == (before.status, before.version)
    assert len(published.of(PaymentCaptured)) == 1


async def test_the_simulator_hands_its_webhooks_to_listeners(payments: PaymentsApp) -> None:
    payments.simulator.deliver_webhooks = True
    received: list[str] = []

    async def listener(event: dict[str, Any]) -> None:
        received.append((await payments.receive(read_event(event))).result)

    payments.simulator.listeners.append(listener)
    await payments.authorize(token="tok_timeout")
    await payments.simulator.drain()

    assert received == ["applied"]
    assert (await payments.stored()).status is PaymentStatus.AUTHORIZED


def test_a_fresh_signature_passes() -> None:
    body = json.dumps({"id": "evt_1"}).encode()
    verify_signature(SECRET, signature_header(SECRET, NOW, body), body, NOW + 299)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "v1=abc",
        "t=now,v1=" + "0" * 64,
        signature_header("another-secret-of-some-length", NOW, b"{}"),
        signature_header(SECRET, NOW - 301, b"{}"),
        signature_header(SECRET, NOW + 301, b"{}"),
        signature_header(SECRET, NOW, b'{"id": "evt_2"}'),
    ],
    ids=["missing", "empty", "no-time", "bad-time", "wrong-secret", "stale", "future", "other-body"],
)
def test_a_bad_signature_is_refused(header: str | None) -> None:
    with pytest.raises(Unauthenticated):
        verify_signature(SECRET, header, b"{}", NOW)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ([], {"body"}),
        ({}, {"id", "type", "idempotency_key"}),
        ({"id": "evt_1", "type": "charge.refunded", "idempotency_key": "p:authorize"}, {"type"}),
        ({"id": "evt_1", "type": "void.succeeded", "idempotency_key": "p:explode"}, {"idempotency_key"}),
        (
            {"id": 5, "type": "void.succeeded", "idempotency_key": "p:void", "amount": -1, "currency": "EUR"},
            {"id", "amount"},
        ),
    ],
)
def test_a_malformed_event_names_its_fields(payload: Any, fields: set[str]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_event(payload)
    assert {e.field for e in refused.value.errors} == fields


async def test_an_event_whose_type_and_key_disagree_is_refused(payments: PaymentsApp) -> None:
    event = GatewayEvent("evt_9", "capture.succeeded", "p-1:void", "auth_1", None, None)
    with pytest.raises(ValidationFailed):
        await payments.receive(event)
