"""The HTTP adapter of ``PaymentGateway``: the external gateway's REST API.

Every call sends ``Authorization: Bearer <api key>`` and the operation's ``Idempotency-Key``. A try that
gets a 5xx, no answer within ``timeout_seconds``, or no connection is repeated (``retries`` times, waiting
``backoff_seconds * 2**n`` plus a little jitter), always with the same key, so a repeat never moves money
twice; then the outcome is unknown: ``GatewayUnavailable``. A 4xx is never repeated: a decline (402) is an
answer, anything else is ``GatewayRejected``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp

from core.shared.money import Money
from ports.payments import (
    GatewayAuthorization,
    GatewayOperation,
    GatewayOutcome,
    GatewayRejected,
    GatewayStatus,
    GatewayUnavailable,
)

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
_JITTER = 0.1  # up to 10% more wait, so clients that failed together do not all retry together


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
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.retries, self.backoff_seconds, self._sleep = retries, backoff_seconds, sleep
        self._session: aiohttp.ClientSession | None = None
        self._random = random.Random()  # noqa: S311 - jitter, not security

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(self, method: str, path: str, key: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self._api_key}", "Idempotency-Key": key}
        problem = "no answer"
        for attempt in range(self.retries + 1):
            if attempt:
                wait = self.backoff_seconds * 2 ** (attempt - 1)
                await self._sleep(wait * (1 + self._random.uniform(0, _JITTER)))
            try:
                async with self._client().request(
                    method, self.base_url + path, json=body, headers=headers, timeout=self.timeout
                ) as response:
                    data = await response.json(content_type=None) if response.content_length != 0 else None
                    if response.status < 500:
                        return response.status, data
                    problem = f"HTTP {response.status}"
            except TimeoutError:
                problem = "timed out"
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            log.warning("payment gateway %s %s (key %s), try %d: %s", method, path, key, attempt + 1, problem)
        raise GatewayUnavailable(f"the payment gateway did not answer after {self.retries + 1} tries ({problem})")

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
