"""Payments use cases: the payment error worker, the gateway's webhooks, and what people may read.

The saga's side (authorize, capture, void, refund) is ``core.payments.desk.PaymentsForSagas``; the call
and settle path they all share is ``core.payments.operations.GatewayCalls``.
"""

from __future__ import annotations

from collections.abc import Callable

from core.payments.commands import (
    GatewayEvent,
    GetOrderPayment,
    HistoryView,
    ListPayments,
    PaymentSummary,
    PaymentView,
    RetryDue,
    WebhookReceipt,
)
from core.payments.model import Operation, Payment, RetryPolicy
from core.payments.operations import GatewayCalls
from core.payments.webhooks import EVENT_TYPES
from core.shared.errors import Conflict, NotFound, ValidationFailed
from core.shared.pagination import Page
from core.shared.security import Role
from ports.checkout import PaymentStatus
from ports.payment_gateway import GatewayAuthorization, GatewayOperation, GatewayOutcome, GatewayStatus
from ports.payments import PaymentsUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory

_TRIES = 5


def payment_view(payment: Payment) -> PaymentView:
    return PaymentView(
        payment_id=payment.id,
        order_id=payment.order_id,
        status=payment.status,
        amount=payment.amount,
        captured=payment.captured,
        refunded=payment.refunded,
        failure=payment.failure,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
        history=[HistoryView(h.at, h.status, h.note) for h in payment.history],
    )


def payment_summary(payment: Payment) -> PaymentSummary:
    return PaymentSummary(
        payment_id=payment.id,
        order_id=payment.order_id,
        customer_id=payment.customer_id,
        status=payment.status,
        amount=payment.amount,
        captured=payment.captured,
        refunded=payment.refunded,
        authorization_id=payment.authorization_id,
        attempts=payment.attempts,
        next_attempt_at=payment.next_attempt_at,
        last_error=payment.last_error,
        failure=payment.failure,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
    )


class ShowOrderPayment:
    """The customer reads their own order's payment; anyone else's reads as not found."""

    def __init__(self, sessions: UnitOfWorkFactory[PaymentsUnitOfWork]) -> None:
        self.sessions = sessions

    async def __call__(self, command: GetOrderPayment) -> PaymentView:
        async with self.sessions() as uow:
            payment = await uow.payments.for_order(command.order_id)
        if payment is None or payment.customer_id != command.principal.user_id:
            raise NotFound("this order has no payment of yours")
        return payment_view(payment)


class ListAllPayments:
    """The admin's list, newest first, of one status (``authorizing``: those the worker retries) or all."""

    def __init__(self, sessions: UnitOfWorkFactory[PaymentsUnitOfWork]) -> None:
        self.sessions = sessions

    async def __call__(self, command: ListPayments) -> Page[PaymentSummary]:
        command.principal.require(Role.ADMIN)
        async with self.sessions() as uow:
            page = await uow.payments.list(command.status, command.page)
        return Page([payment_summary(p) for p in page.items], page.next_cursor)


# What came of one retry of the payment error worker: told to ``observe`` (operation, outcome).
SETTLED, FAILED_AGAIN, GAVE_UP = "settled", "failed_again", "gave_up"
RetryObserver = Callable[[str, str], None]


def retry_outcome(operation: Operation, after: Payment) -> str:
    """``settled``: the gateway answered (done, or declined); ``failed_again``: no answer, the operation
    waits for its next attempt; ``gave_up``: that was the last attempt, the operation failed for good."""
    if after.operation is operation:
        return FAILED_AGAIN
    if after.failure is not None and after.status is not PaymentStatus.DECLINED:
        return GAVE_UP
    return SETTLED


class RetryPaymentOperations:
    """The payment error worker's pass: each in-flight payment whose next attempt is due is claimed (so a
    second worker leaves it alone), reconciled by its idempotency key (the gateway may have done it) or
    called again, and its outcome committed. Returns how many payments it took on; ``observe`` hears what
    came of each (monitoring counts it)."""

    def __init__(
        self,
        sessions: UnitOfWorkFactory[PaymentsUnitOfWork],
        calls: GatewayCalls,
        clock: Clock,
        policy: RetryPolicy,
        observe: RetryObserver | None = None,
    ) -> None:
        self.sessions, self.calls, self.clock, self.policy = sessions, calls, clock, policy
        self.observe = observe

    async def __call__(self, command: RetryDue) -> int:
        now = self.clock.now()
        async with self.sessions() as uow:
            due = await uow.payments.due(now, command.limit)
        handled = 0
        for candidate in due:
            claimed = await self._claim(candidate.id)
            if claimed is not None and claimed.operation is not None:
                operation = claimed.operation
                after = await self.calls.reconcile(claimed)
                handled += 1
                if self.observe is not None:
                    self.observe(operation.value, retry_outcome(operation, after))
        return handled

    async def _claim(self, payment_id: str) -> Payment | None:
        async with self.sessions() as uow:
            payment = await uow.payments.get(payment_id)
            now = self.clock.now()
            if payment is None or payment.operation is None:
                return None
            if payment.next_attempt_at is not None and payment.next_attempt_at > now:
                return None  # another worker claimed it, or it was put off
            payment.claim(self.policy.lease(now))
            try:
                await uow.payments.update(payment)
                await uow.commit()
            except Conflict:
                return None  # another worker got there first
        return payment


def _outcome(event: GatewayEvent) -> GatewayOutcome:
    authorization_id = event.authorization_id or ""
    if event.type == "authorization.succeeded":
        return GatewayAuthorization(authorization_id, GatewayStatus.AUTHORIZED)
    if event.type == "authorization.declined":
        return GatewayAuthorization(authorization_id, GatewayStatus.DECLINED, event.decline_code or "declined")
    status = {
        "capture.succeeded": GatewayStatus.CAPTURED,
        "void.succeeded": GatewayStatus.VOIDED,
        "refund.succeeded": GatewayStatus.REFUNDED,
    }[event.type]
    return GatewayOperation(event.event_id, authorization_id, status, event.amount)


class ReceiveGatewayEvent:
    """A webhook of the gateway settles the operation it reports, if the payment still has it in flight
    (as the worker would). Its event id is remembered in the same transaction: a redelivery, or an event
    about an operation already settled, changes nothing."""

    def __init__(self, sessions: UnitOfWorkFactory[PaymentsUnitOfWork], clock: Clock) -> None:
        self.sessions, self.clock = sessions, clock

    async def __call__(self, event: GatewayEvent) -> WebhookReceipt:
        payment_id, _, name = event.idempotency_key.rpartition(":")
        if EVENT_TYPES.get(event.type) != name:
            raise ValidationFailed.of("idempotency_key", f"is not the key of a {event.type} event")
        operation = Operation(name)
        for _ in range(_TRIES):
            async with self.sessions() as uow:
                if not await uow.webhooks.remember(event.event_id):
                    return WebhookReceipt(event.event_id, "duplicate")
                payment = await uow.payments.get(payment_id)
                applied = (
                    payment is not None
                    and payment.operation is operation
                    and payment.settle(_outcome(event), self.clock.now())
                )
                try:
                    if applied and payment is not None:
                        await uow.payments.update(payment)
                    await uow.commit()
                except Conflict:
                    continue  # settled meanwhile by someone else: look again
            return WebhookReceipt(event.event_id, "applied" if applied else "stale")
        raise Conflict("the payment keeps changing; deliver the event again")
