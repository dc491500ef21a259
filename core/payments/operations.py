"""Making a payment's gateway call and committing what came of it: the one path the saga's desk, the
payment error worker and the gateway's webhooks share.

The call is made outside any transaction (a gateway can take seconds); its outcome is then committed only
if the payment still has that operation in flight. Someone else may have settled it meanwhile (a webhook,
a second worker): the gateway's idempotency key made their outcome the same, so there is nothing to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from core.payments.model import Operation, Payment, RetryPolicy
from core.shared.errors import Conflict, NotFound
from ports.payment_gateway import GatewayOutcome, GatewayRejected, GatewayUnavailable, PaymentGateway
from ports.payments import PaymentsUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)

Change = Callable[[Payment, datetime], object]

# A change that lost a race reads the payment again; the winner has usually settled it by then.
_TRIES = 5


class GatewayCalls:
    def __init__(
        self,
        sessions: UnitOfWorkFactory[PaymentsUnitOfWork],
        gateway: PaymentGateway,
        clock: Clock,
        policy: RetryPolicy,
    ) -> None:
        self.sessions, self.gateway, self.clock, self.policy = sessions, gateway, clock, policy

    async def call(self, payment: Payment) -> Payment:
        """Make the call of the operation ``payment`` has in flight (committed so), commit its outcome."""
        operation = payment.operation
        if operation is None:
            return payment
        try:
            outcome = await self._send(payment, operation)
        except GatewayUnavailable as exc:
            return await self.change(payment.id, operation, self._failed_attempt(str(exc)))
        except GatewayRejected as exc:
            return await self.change(payment.id, operation, self._refused(exc))
        return await self.settle(payment.id, operation, outcome)

    async def reconcile(self, payment: Payment) -> Payment:
        """The worker's way: ask the gateway whether it did the operation, and make the call only if not."""
        operation = payment.operation
        if operation is None:
            return payment
        try:
            outcome = await self.gateway.lookup(payment.key(operation))
        except GatewayUnavailable as exc:
            return await self.change(payment.id, operation, self._failed_attempt(str(exc)))
        if outcome is None:
            return await self.call(payment)
        return await self.settle(payment.id, operation, outcome)

    async def settle(self, payment_id: str, operation: Operation, outcome: GatewayOutcome) -> Payment:
        def apply(payment: Payment, now: datetime) -> None:
            if not payment.settle(outcome, now):
                log.warning(
                    "payment %s: the gateway's answer %r does not settle its %s", payment_id, outcome, operation
                )

        return await self.change(payment_id, operation, apply)

    async def change(self, payment_id: str, operation: Operation, change: Change) -> Payment:
        """Apply ``change`` if the payment still has ``operation`` in flight, and commit it."""
        for _ in range(_TRIES):
            async with self.sessions() as uow:
                payment = await uow.payments.get(payment_id)
                if payment is None:
                    raise NotFound("no such payment")
                if payment.operation is not operation:
                    return payment  # settled meanwhile
                change(payment, self.clock.now())
                try:
                    await uow.payments.update(payment)
                    await uow.commit()
                except Conflict:
                    continue
                return payment
        raise Conflict("the payment keeps changing under this call; it is left for the payment error worker")

    def _failed_attempt(self, error: str) -> Change:
        return lambda payment, now: payment.attempt_failed(error, now, self.policy)

    @staticmethod
    def _refused(exc: GatewayRejected) -> Change:
        return lambda payment, now: payment.give_up(f"the gateway refused it ({exc.reason}): {exc.message}", now)

    async def _send(self, payment: Payment, operation: Operation) -> GatewayOutcome:
        key = payment.key(operation)
        if operation is Operation.AUTHORIZE:
            return await self.gateway.authorize(key, payment.amount, payment.payment_token, payment.order_id)
        authorization_id = payment.authorization_id or ""
        if operation is Operation.CAPTURE:
            return await self.gateway.capture(key, authorization_id, payment.amount)
        if operation is Operation.VOID:
            return await self.gateway.void(key, authorization_id)
        return await self.gateway.refund(key, authorization_id, payment.captured or payment.amount)
