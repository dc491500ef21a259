"""Signed webhooks (core/shared/signatures.py): what the sandboxes sign, the shop's receivers check."""

from __future__ import annotations

import pytest

from core.shared.errors import Unauthenticated
from core.shared.signatures import sign, verify

SECRET = "a-webhook-secret-of-some-length"
BODY = b'{"id": "cev_1", "status": "delivered"}'
NOW = 1_780_000_000
HEADER = "Carrier-Signature"


def test_a_fresh_signature_of_the_body_passes() -> None:
    verify(HEADER, SECRET, sign(SECRET, NOW, BODY), BODY, NOW + 299)
    verify(HEADER, SECRET, sign(SECRET, NOW, BODY), BODY, NOW - 299)


@pytest.mark.parametrize(
    ("header", "body", "secret", "now", "why"),
    [
        ("", BODY, SECRET, NOW, "missing"),
        (None, BODY, SECRET, NOW, "missing"),
        ("v1=abc", BODY, SECRET, NOW, "form"),
        ("t=soon,v1=abc", BODY, SECRET, NOW, "form"),
        (f"t={NOW}", BODY, SECRET, NOW, "form"),
        ("garbage", BODY, SECRET, NOW, "form"),
        (sign(SECRET, NOW, BODY), BODY + b" ", SECRET, NOW, "match"),
        (sign("another-secret-entirely", NOW, BODY), BODY, SECRET, NOW, "match"),
        (sign(SECRET, NOW, BODY), BODY, SECRET, NOW + 301, "old"),
        (sign(SECRET, NOW + 301, BODY), BODY, SECRET, NOW, "old"),
        (sign(SECRET, NOW, BODY).replace("v1=", "v1=0"), BODY, SECRET, NOW, "form"),
    ],
)
def test_a_missing_malformed_wrong_or_stale_signature_is_refused(
    header: str | None, body: bytes, secret: str, now: int, why: str
) -> None:
    with pytest.raises(Unauthenticated) as refused:
        verify(HEADER, secret, header, body, now)
    assert why in refused.value.message
