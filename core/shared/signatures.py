"""Signed webhooks, one scheme for every external API: ``<Name>-Signature: t=<unix seconds>,v1=<hex>``.

``hex`` is HMAC-SHA256 of ``f"{t}.{raw body}"`` with the secret both sides share. A signature that is
missing, malformed, wrong, or more than ``TOLERANCE_SECONDS`` away from now is refused, so a webhook caught
on the wire cannot be replayed later. The payment gateway and the carrier (and their sandboxes) use it.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from core.shared.errors import Unauthenticated

TOLERANCE_SECONDS = 300
_SIGNATURE = re.compile(r"t=(\d{1,12}),v1=([0-9a-f]{64})")


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(header_name: str, secret: str, header: str | None, body: bytes, now: float) -> None:
    """Pass for a fresh signature of ``body`` made with ``secret``; raise ``Unauthenticated`` otherwise."""
    if not header:
        raise Unauthenticated(f"the {header_name} header is missing")
    match = _SIGNATURE.fullmatch(header.strip())
    if match is None:
        raise Unauthenticated(f"the {header_name} header is not of the form t=<unix seconds>,v1=<hex>")
    timestamp = int(match.group(1))
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise Unauthenticated("the webhook's signature is too old (or from the future)")
    if not hmac.compare_digest(_digest(secret, timestamp, body), match.group(2)):
        raise Unauthenticated("the webhook's signature does not match its body")
