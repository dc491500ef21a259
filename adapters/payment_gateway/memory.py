"""The in-process ``PaymentGateway`` of the memory profile: the sandbox's simulator, called directly.

It answers as the HTTP adapter over the sandbox app does: the same tries (``retries`` more after a 5xx or
a late answer, with the same idempotency key), a decline as a result, any other 4xx as
``GatewayRejected``, and ``GatewayUnavailable`` when no try got an answer. Nothing sleeps: a late answer
is simply one the caller never got.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from adapters.payment_gateway.client import authorization_of, operation_of, outcome_of, rejected
from adapters.payment_gateway.simulator import Answer, GatewaySimulator
from core.shared.money import Money
from ports.payment_gateway import GatewayAuthorization, GatewayOperation, GatewayOutcome, GatewayUnavailable


class SimulatedPaymentGateway:
    def __init__(self, simulator: GatewaySimulator, retries: int = 2) -> None:
        self.simulator, self.retries = simulator, retries

    async def _try(self, call: Callable[[], Answer], *, declines: bool = False) -> dict[str, Any]:
        problem = "no answer"
        for _ in range(self.retries + 1):
            await asyncio.sleep(0)  # a call to a gateway is never instant: let others run meanwhile
            answer = call()
            if answer.status >= 500:
                problem = f"HTTP {answer.status}"
                continue
            if answer.late:
                problem = "timed out"
                continue
            if answer.status == 402 and declines:
                return answer.body
            if answer.status >= 400:
                raise rejected(answer.status, answer.body)
            return answer.body
        raise GatewayUnavailable(f"the payment gateway did not answer ({problem})")

    async def authorize(self, key: str, amount: Money, token: str, reference: str) -> GatewayAuthorization:
        s = self.simulator
        body = await self._try(
            lambda: s.authorize(key, amount.amount, amount.currency, token, reference), declines=True
        )
        return authorization_of(body)

    async def capture(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation:
        return operation_of(await self._try(lambda: self.simulator.capture(key, authorization_id, amount.amount)))

    async def void(self, key: str, authorization_id: str) -> GatewayOperation:
        return operation_of(await self._try(lambda: self.simulator.void(key, authorization_id)))

    async def refund(self, key: str, authorization_id: str, amount: Money) -> GatewayOperation:
        return operation_of(await self._try(lambda: self.simulator.refund(key, authorization_id, amount.amount)))

    async def lookup(self, key: str) -> GatewayOutcome | None:
        await asyncio.sleep(0)
        answer = self.simulator.operation(key)
        return None if answer.status == 404 else outcome_of(answer.body)
