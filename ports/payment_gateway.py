"""The payment gateway, another company's API, as the payments context sees it: its answers and its errors.

Every call carries an idempotency key, so a call repeated with the same key (a retry after a timeout, the
payment error worker, a second worker) returns the outcome of the first and moves no money twice. A
decline is an answer, not an error. ``GatewayUnavailable`` means the outcome is unknown (5xx or no answer
in time, after the adapter's own retries): ``lookup`` later tells whether the gateway did it.
``GatewayRejected`` is a 4xx other than a decline: the request itself is wrong, and repeating it cannot
help.

A module of its own, apart from ``ports.payments``: the payment model applies these answers, and the
store's port names the model, so one module for both would be an import circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.shared.errors import DomainError, Unavailable
from core.shared.money import Money


class GatewayStatus(StrEnum):
    AUTHORIZED = "authorized"
    DECLINED = "declined"
    CAPTURED = "captured"
    VOIDED = "voided"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class GatewayAuthorization:
    """The answer to an authorization: ``id`` is the authorization's (a declined one has one too)."""

    id: str
    status: GatewayStatus  # AUTHORIZED or DECLINED
    decline_code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class GatewayOperation:
    """The answer to a capture, void or refund of an authorization."""

    id: str
    authorization_id: str
    status: GatewayStatus  # CAPTURED, VOIDED or REFUNDED
    amount: Money | None = None


GatewayOutcome = GatewayAuthorization | GatewayOperation


class GatewayUnavailable(Unavailable):
    """The gateway did not answer (5xx or timeout, after the adapter's retries): the outcome is unknown."""

    code = "gateway_unavailable"


class GatewayRejected(DomainError):
    """The gateway refused the request itself (a 4xx other than a decline): a bug or bad data."""

    code = "gateway_rejected"
    title = "Refused by the payment gateway"

    def __init__(self, message: str, reason: str = "rejected", status: int = 400) -> None:
        super().__init__(message)
        self.reason, self.status = reason, status


class PaymentGateway(Protocol):
    async def authorize(self, key: str, amount: Money, token: str, reference: str) -> GatewayAuthorization: ...

    async def capture(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation: ...

    async def void(self, key: str, authorization_id: str) -> GatewayOperation: ...

    async def refund(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation: ...

    async def lookup(self, key: str) -> GatewayOutcome | None:
        """The stored outcome of the operation made with ``key``; None when the gateway never processed it."""
        ...
