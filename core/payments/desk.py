"""``ports.checkout.PaymentDesk`` for the orchestrator's sagas: every call idempotent on the order id.

Each operation is committed in flight before the gateway is called, so a crash between the two leaves a
payment the payment error worker finds and reconciles by its idempotency key; then the outcome is
committed with its event. Each call opens units of work of its own (``sessions`` is a factory), so one
desk serves any number of concurrent sagas.
"""

from __future__ import annotations

from collections.abc import Callable

from core.payments.model import TOKEN_MAX, Operation, Payment, RetryPolicy
from core.payments.operations import GatewayCalls
from core.shared.errors import Conflict, NotFound, Unavailable, Validation
from core.shared.money import Money
from ports.checkout import PaymentState, PaymentStatus
from ports.payments import PaymentsUnitOfWork
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory

_TRIES = 5
_Choice = Callable[[Payment], Operation | None]
# What a void or a refund of the order does, by the payment's status: the operation to put in flight, or
# None to answer the payment as it stands (nothing left to do, or it is under way already).
_VOID_OR_REFUND: dict[PaymentStatus, Operation | None] = {
    PaymentStatus.AUTHORIZED: Operation.VOID,
    PaymentStatus.CAPTURED: Operation.REFUND,
    PaymentStatus.VOIDING: None,
    PaymentStatus.REFUNDING: None,
    PaymentStatus.VOIDED: None,
    PaymentStatus.REFUNDED: None,
    PaymentStatus.DECLINED: None,
    PaymentStatus.FAILED: None,
}


class PaymentsForSagas:
    def __init__(
        self,
        sessions: UnitOfWorkFactory[PaymentsUnitOfWork],
        calls: GatewayCalls,
        ids: IdGenerator,
        clock: Clock,
        policy: RetryPolicy,
    ) -> None:
        self.sessions, self.calls, self.ids, self.clock, self.policy = sessions, calls, ids, clock, policy

    async def authorize(self, order_id: str, customer_id: str, amount: Money, payment_token: str) -> PaymentState:
        v = Validation()
        v.check(amount.amount > 0, "amount", "must be more than zero")
        v.check(0 < len(payment_token) <= TOKEN_MAX, "payment_token", f"must be 1 to {TOKEN_MAX} characters")
        v.raise_if_any()
        for _ in range(_TRIES):
            async with self.sessions() as uow:
                existing = await uow.payments.for_order(order_id)
                if existing is not None:
                    return existing.state()
                now = self.clock.now()
                payment = Payment.start(
                    self.ids.new_id(), order_id, customer_id, amount, payment_token, now, self.policy.lease(now)
                )
                try:
                    await uow.payments.add(payment)
                    await uow.commit()
                except Conflict:
                    continue  # a concurrent call made the order's payment: answer that one
            return (await self.calls.call(payment)).state()
        raise Conflict("the order's payment keeps changing; try again")

    async def capture(self, order_id: str) -> PaymentState:
        state = await self._run(order_id, _capture)
        if state is None:
            raise NotFound("the order has no payment")
        return state

    async def void(self, order_id: str) -> PaymentState | None:
        return await self._run(order_id, _void_or_refund)

    async def refund(self, order_id: str) -> PaymentState | None:
        return await self._run(order_id, _void_or_refund)

    async def state(self, order_id: str) -> PaymentState | None:
        async with self.sessions() as uow:
            payment = await uow.payments.for_order(order_id)
        return None if payment is None else payment.state()

    async def _run(self, order_id: str, choose: _Choice) -> PaymentState | None:
        for _ in range(_TRIES):
            async with self.sessions() as uow:
                payment = await uow.payments.for_order(order_id)
                if payment is None:
                    return None
                operation = choose(payment)
                if operation is None:
                    return payment.state()
                now = self.clock.now()
                payment.begin(operation, now, self.policy.lease(now))
                try:
                    await uow.payments.update(payment)
                    await uow.commit()
                except Conflict:
                    continue  # changed meanwhile: decide again on what it is now
            return (await self.calls.call(payment)).state()
        raise Conflict("the order's payment keeps changing; try again")


def _unsettled(payment: Payment) -> Unavailable:
    # The gateway's answer to the authorization (or capture) is not known yet: the saga asks again later.
    return Unavailable(f"the payment is {payment.status.value}; try again once the gateway has answered")


def _capture(payment: Payment) -> Operation | None:
    if payment.status is PaymentStatus.AUTHORIZED:
        return Operation.CAPTURE
    if payment.status in (PaymentStatus.CAPTURED, PaymentStatus.CAPTURING):
        return None
    if payment.status is PaymentStatus.AUTHORIZING:
        raise _unsettled(payment)
    raise Conflict(f"a {payment.status.value} payment cannot be captured")


def _void_or_refund(payment: Payment) -> Operation | None:
    """A void of a captured payment refunds it, a refund of one only authorized voids it."""
    if payment.status in (PaymentStatus.AUTHORIZING, PaymentStatus.CAPTURING):
        raise _unsettled(payment)
    return _VOID_OR_REFUND[payment.status]
