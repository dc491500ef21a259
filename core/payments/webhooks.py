"""The gateway's webhooks: their signature, and their events read into a ``GatewayEvent``.

A webhook carries ``Gateway-Signature``, checked as core/shared/signatures.py says.
"""

from __future__ import annotations

from typing import Any

from core.payments.commands import GatewayEvent
from core.shared import signatures
from core.shared.errors import Validation
from core.shared.money import CURRENCIES, Money

SIGNATURE_HEADER = "Gateway-Signature"

# The gateway's event types and the operation each settles.
EVENT_TYPES = {
    "authorization.succeeded": "authorize",
    "authorization.declined": "authorize",
    "capture.succeeded": "capture",
    "void.succeeded": "void",
    "refund.succeeded": "refund",
}
ID_MAX = 200


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return signatures.sign(secret, timestamp, body)


def verify_signature(secret: str, header: str | None, body: bytes, now: float) -> None:
    """Pass for a fresh signature of ``body`` made with ``secret``; raise ``Unauthenticated`` otherwise."""
    signatures.verify(SIGNATURE_HEADER, secret, header, body, now)


def _text(v: Validation, data: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = data.get(name)
    if value is None:
        v.check(not required, name, "is required")
        return None
    if not isinstance(value, str) or not value or len(value) > ID_MAX:
        v.add(name, f"must be a non-empty string of at most {ID_MAX} characters")
        return None
    return value


def read_event(data: Any) -> GatewayEvent:
    """The event of a webhook body (decoded JSON); ``ValidationFailed`` names each bad field."""
    v = Validation()
    if not isinstance(data, dict):
        v.add("body", "must be a JSON object")
        v.raise_if_any()
    event_id = _text(v, data, "id", required=True)
    kind = _text(v, data, "type", required=True)
    if kind is not None and kind not in EVENT_TYPES:
        v.add("type", f"must be one of {', '.join(EVENT_TYPES)}")
    key = _text(v, data, "idempotency_key", required=True)
    if key is not None and key.rpartition(":")[2] not in set(EVENT_TYPES.values()):
        v.add("idempotency_key", "is not a key of this shop's payments")
    authorization_id = _text(v, data, "authorization_id", required=False)
    reference = _text(v, data, "reference", required=False)
    decline_code = _text(v, data, "decline_code", required=False)
    amount: Money | None = None
    raw_amount, currency = data.get("amount"), data.get("currency")
    if raw_amount is not None or currency is not None:
        if isinstance(raw_amount, bool) or not isinstance(raw_amount, int) or raw_amount < 0:
            v.add("amount", "must be a whole number of minor units, 0 or more")
        elif currency not in CURRENCIES:
            v.add("currency", "must be an ISO 4217 code such as EUR")
        else:
            amount = Money(raw_amount, str(currency))
    v.raise_if_any()
    # Each was checked above; the asserts tell the type checker.
    assert event_id is not None
    assert kind is not None
    assert key is not None
    return GatewayEvent(
        event_id=event_id,
        type=kind,
        idempotency_key=key,
        authorization_id=authorization_id,
        reference=reference,
        amount=amount,
        decline_code=decline_code,
    )
