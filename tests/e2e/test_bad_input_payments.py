"""Every payments route, fed bad input: a 4xx problem+json that names the field, and nothing changes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.payments.webhooks import SIGNATURE_HEADER, signature_header
from tests.support.bad_input import check_rows, request
from tests.support.http import ApiClient, Reply

PASSWORD = "correct horse battery"
WEBHOOK = "/api/v1/payments/webhooks/gateway"
EVENT = {"id": "evt_1", "type": "authorization.succeeded", "idempotency_key": "pay-1:authorize"}

# (method, path template, body or query, the field the problem must name, status)
BAD: list[tuple[str, str, Any, str, int]] = [
    ("GET", "/api/v1/orders/{missing}/payment", None, "", 404),
    ("GET", "/api/v1/admin/payments", "status=paid", "status", 422),
    ("GET", "/api/v1/admin/payments", "limit=0", "limit", 422),
    ("GET", "/api/v1/admin/payments", "limit=many", "limit", 422),
    ("GET", "/api/v1/admin/payments", "cursor=%%%", "cursor", 422),
    ("GET", "/api/v1/admin/payments", "sort=amount", "sort", 422),
    ("POST", WEBHOOK, {**EVENT, "type": "charge.refunded"}, "type", 422),
    ("POST", WEBHOOK, {"id": "evt_1"}, "idempotency_key", 422),
    ("POST", WEBHOOK, {**EVENT, "amount": "12", "currency": "EUR"}, "amount", 422),
    ("POST", WEBHOOK, ["not", "an", "object"], "body", 422),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    from core.auth.commands import GetAccount, SetRoles
    from core.auth.use_cases import GetAccountInfo, SetUserRoles
    from core.shared.security import Role
    from features.steps.accounts import OPERATOR

    tokens: dict[str, str] = {}
    for name in ("cat", "root"):
        body = {"email": f"{name}@example.com", "password": PASSWORD, "display_name": name.title()}
        assert api.post("/api/v1/auth/register", body).status == 201
        tokens[name] = api.post("/api/v1/auth/login", {"email": body["email"], "password": PASSWORD}).body["token"]
    runtime = server.runtime
    root = server.call(runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email="root@example.com")))
    server.call(runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, root.user_id, frozenset({Role.ADMIN}))))
    return {"customer": tokens["cat"], "admin": tokens["root"], "missing": "01900000-0000-7000-8000-000000000000"}


SECRET = "marketplace-development-webhook-secret"  # the development default


def signed(api: ApiClient, payload: Any, header: str | None = None, secret: str = SECRET) -> Reply:
    """The payload as the gateway would send it, signed at the shop's time (the tests' clock)."""
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    assert api.clock is not None
    now = int(api.clock.now().timestamp())
    headers[SIGNATURE_HEADER] = header if header is not None else signature_header(secret, now, body)
    return api.request("POST", WEBHOOK, data=body, headers=headers)


def _state(api: ApiClient, shop: dict[str, str]) -> Any:
    return api.get("/api/v1/admin/payments?limit=100", token=shop["admin"]).body


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    def send(method: str, path: str, payload: Any, token: str) -> Reply:
        return signed(api, payload) if path == WEBHOOK else request(api, method, path, payload, token)

    check_rows(
        api,
        BAD,
        shop,
        lambda path: shop["admin"] if path.startswith("/api/v1/admin/") else shop["customer"],
        lambda: _state(api, shop),
        send,
    )


@pytest.mark.parametrize("header", ["", "t=1,v1=00", None], ids=["missing", "malformed", "wrong-secret"])
def test_a_webhook_without_a_good_signature_is_401(api: ApiClient, header: str | None) -> None:
    reply = signed(api, EVENT, header, secret="another-secret-of-length")
    assert reply.status == 401
    assert reply.headers["Content-Type"].startswith("application/problem+json")


def test_a_signed_webhook_for_no_payment_is_stale_and_a_repeat_is_a_duplicate(api: ApiClient) -> None:
    assert signed(api, EVENT).body["result"] == "stale"
    assert signed(api, EVENT).body["result"] == "duplicate"
