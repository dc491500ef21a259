"""The HTTP adapter of ``PaymentGateway``: the external gateway's REST API.

Every call sends ``Authorization: Bearer <api key>`` and the operation's ``Idempotency-Key``, and runs under
the outbound policy (``adapters.outbound``): a 5xx, a timeout or no connection is repeated with the same
key, so a repeat never moves money twice; then the outcome is unknown: ``GatewayUnavailable``. A 4xx is
never repeated: a decline (402) is an answer, anything else is ``GatewayRejected``.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from adapters.outbound import OutboundApi, OutboundMetrics, OutboundPolicy, Sleep, Unreachable
from core.shared.money import Money
from ports.payment_gateway import (
    GatewayAuthorization,
    GatewayOperation,
    GatewayOutcome,
    GatewayRejected,
    GatewayStatus,
    GatewayUnavailable,
)


def rejected(status: int, body: Any) -> GatewayRejected:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = str(error.get("code", "rejected")) if isinstance(error, dict) else "rejected"
    message = str(error.get("message", f"HTTP {status}")) if isinstance(error, dict) else f"HTTP {status}"
    return GatewayRejected(message, code, status)


def _money(body: dict[str, Any]) -> Money | None:
    if body.get("amount") is None or body.get("currency") is None:
        return None
    return Money(int(body["amount"]), str(body["currency"]))


def authorization_of(body: dict[str, Any]) -> GatewayAuthorization:
    return GatewayAuthorization(
        id=str(body["id"]),
        status=GatewayStatus(body["status"]),
        decline_code=body.get("decline_code"),
        message=body.get("message"),
    )


def operation_of(body: dict[str, Any]) -> GatewayOperation:
    return GatewayOperation(
        id=str(body["id"]),
        authorization_id=str(body["authorization_id"]),
        status=GatewayStatus(body["status"]),
        amount=_money(body),
    )


def outcome_of(stored: dict[str, Any]) -> GatewayOutcome:
    """A stored outcome (GET /v1/operations/{key}): its ``result`` is what the call answered."""
    result = stored["result"]
    return authorization_of(result) if result.get("object") == "authorization" else operation_of(result)


class HttpPaymentGateway:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout_seconds: float = 5.0,
        retries: int = 2,
        backoff_seconds: float = 0.1,
        deadline_seconds: float | None = None,
        metrics: OutboundMetrics | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        policy = OutboundPolicy(timeout_seconds, retries, backoff_seconds, deadline_seconds)
        self.api = OutboundApi(
            "payment-gateway",
            base_url,
            policy,
            headers={"Authorization": f"Bearer {api_key}"},
            metrics=metrics,
            sleep=sleep,
        )

    async def close(self) -> None:
        await self.api.close()

    async def _request(self, method: str, path: str, key: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        try:
            return await self.api.call(method, path, body=body, key=key)
        except Unreachable as error:
            raise GatewayUnavailable(f"the outcome is unknown: {error}") from error

    async def _ok(self, method: str, path: str, key: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        status, data = await self._request(method, path, key, body)
        if status >= 400 or not isinstance(data, dict):
            raise rejected(status, data)
        return data

    async def authorize(self, key: str, amount: Money, token: str, reference: str) -> GatewayAuthorization:
        body = {"amount": amount.amount, "currency": amount.currency, "token": token, "reference": reference}
        status, data = await self._request("POST", "/v1/authorizations", key, body)
        if status == 402 and isinstance(data, dict) and data.get("status") == "declined":
            return authorization_of(data)
        if status >= 400 or not isinstance(data, dict):
            raise rejected(status, data)
        return authorization_of(data)

    async def capture(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation:
        path = f"/v1/authorizations/{authorization_id}/capture"
        return operation_of(await self._ok("POST", path, key, {"amount": amount.amount}))

    async def void(self, key: str, authorization_id: str) -> GatewayOperation:
        return operation_of(await self._ok("POST", f"/v1/authorizations/{authorization_id}/void", key))

    async def refund(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation:
        body = {"authorization_id": authorization_id, "amount": amount.amount}
        return operation_of(await self._ok("POST", "/v1/refunds", key, body))

    async def lookup(self, key: str) -> GatewayOutcome | None:
        status, data = await self._request("GET", f"/v1/operations/{quote(key, safe='')}", key)
        if status == 404:
            return None
        if status >= 400 or not isinstance(data, dict):
            raise rejected(status, data)
        return outcome_of(data)
