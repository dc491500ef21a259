"""The saga runner: does a saga's current step through the desks, and applies the answer.

The rule that makes the sagas safe both in one process and across many: the saga's new step is stored
BEFORE any desk is called, no transaction is held during a call, and the call's answer is applied only if
the saga is still at the ``seq`` the call was made at. On the memory profile a desk's commit runs the
consumers of the events it raised at once, inside the call: they may move this very saga on, and then the
answer is stale and dropped (the events already said the same). Every desk call is idempotent on the
order id, so a step repeated (by the sweeper, or by a redelivered event) changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from core.orchestrator.model import Saga, Step
from core.shared.errors import Conflict, DomainError, Unavailable
from ports.checkout import OrderDesk, PaymentDesk, PaymentStatus, ShipmentRefused, ShippingDesk, StockDesk
from ports.orchestrator import OrchestratorUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)

Answer = Callable[[Saga, datetime], None]
Change = Callable[[Saga], bool]

# More moves than any saga makes in one go: a guard against a loop, never reached by a correct saga.
_MAX_MOVES = 32
_RETRIES = 5


class SagaRunner:
    def __init__(
        self,
        uow: UnitOfWorkFactory[OrchestratorUnitOfWork],
        clock: Clock,
        stock: StockDesk,
        payments: PaymentDesk,
        orders: OrderDesk,
        shipping: ShippingDesk,
    ) -> None:
        self.uow, self.clock = uow, clock
        self.stock, self.payments, self.orders, self.shipping = stock, payments, orders, shipping

    async def load(self, saga_id: str) -> Saga | None:
        async with self.uow() as uow:
            return await uow.sagas.get(saga_id)

    async def change(self, saga_id: str, change: Change) -> bool:
        """Load the saga, change it, store it; ``change`` returns False to leave it as it is. A concurrent
        change (a version conflict) makes it start over from the saga as it now is."""
        for _ in range(_RETRIES):
            async with self.uow() as uow:
                saga = await uow.sagas.get(saga_id)
                if saga is None or not change(saga):
                    return False
                try:
                    await uow.sagas.update(saga)
                    await uow.commit()
                except Conflict:
                    continue
                return True
        raise Unavailable(f"saga {saga_id} keeps changing under us; try again")

    async def drive(self, saga_id: str) -> None:
        """Do the saga's steps one after another until it waits for someone else or ends."""
        for _ in range(_MAX_MOVES):
            if not await self._step(saga_id):
                return
        log.error("saga %s moved %d times in one go; left for the sweeper", saga_id, _MAX_MOVES)

    async def _step(self, saga_id: str) -> bool:
        """Do the current step once; True when the saga moved to another step that may need doing."""
        saga = await self.load(saga_id)
        if saga is None or saga.ended or saga.waiting:
            return False
        seq, step = saga.seq, saga.step
        try:
            answer = await self._act(saga)
        except DomainError as error:
            log.warning("saga %s: %s failed: %s", saga_id, step.value, error)
            failure = f"{type(error).__name__}: {error.message}"
            await self.change(saga_id, lambda s: s.seq == seq and _noted(s, failure, self.clock.now()))
            return False
        if not await self.change(saga_id, lambda s: s.seq == seq and _answered(s, answer, self.clock.now())):
            await self._late(saga_id, step)
            return False
        after = await self.load(saga_id)
        return after is not None and after.seq != seq  # else answered but still there: waiting for an event

    async def _late(self, saga_id: str, step: Step) -> None:
        """A stale answer: the saga moved on meanwhile. Only a reservation that landed after the order was
        cancelled needs undoing (the cancellation ended the saga before anything was held)."""
        if step is not Step.RESERVE_STOCK:
            return
        saga = await self.load(saga_id)
        if saga is not None and saga.ended:
            await self.stock.release(saga.order_id)

    async def _act(self, saga: Saga) -> Answer:
        order = saga.order_id
        match saga.step:
            case Step.RESERVE_STOCK:
                reserved = await self.stock.reserve(order, saga.items)
                return lambda s, now: s.stock_answered(reserved, now)
            case Step.AUTHORIZE_PAYMENT:
                await self.orders.await_payment(order)
                payment = await self.payments.authorize(order, saga.customer_id, saga.amount, saga.payment_token or "")
                return lambda s, now: s.payment_answered(payment.status, payment.failure, now)
            case Step.CONFIRM_ORDER:
                await self.orders.confirm(order)
                return Saga.order_confirmed
            case Step.CREATE_SHIPMENT:
                if saga.address is None:
                    raise Conflict("the saga has no delivery address")
                try:
                    shipment = await self.shipping.create(order, saga.customer_id, saga.address, saga.items)
                except ShipmentRefused as refused:
                    reason = refused.message
                    return lambda s, now: s.shipment_refused(reason, now)
                return lambda s, now: s.shipment_booked(shipment, now)
            case Step.SETTLE_SHIPMENT:
                await self.payments.capture(order)
                await self.stock.commit(order)
                await self.orders.mark_shipped(order)
                return Saga.shipment_settled
            case Step.MARK_DELIVERED:
                await self.orders.mark_delivered(order)
                return Saga.delivery_marked
            case Step.REFUND_PAYMENT:
                refund = await self.payments.refund(order)
                return lambda s, now: s.refund_answered(None if refund is None else refund.status, now)
            case Step.MARK_REFUNDED:
                await self.orders.mark_refunded(order, saga.amount)
                return Saga.refund_marked
            case Step.REFUSE_RETURN:
                await self.orders.refuse_return(order, saga.reason or "the refund failed")
                return Saga.return_refused
            case Step.CANCEL_ORDER:
                await self.orders.cancel(order, saga.reason or "cancelled by the system")
                return Saga.cancellation_sent
            case Step.COMPENSATE:
                in_flight = await self._compensate(saga)
                return lambda s, now: s.compensated(in_flight, now)
            case Step.AWAIT_VOID:
                current = await self.payments.state(order)
                return lambda s, now: s.void_checked(None if current is None else current.status, now)
        raise Conflict(f"saga {saga.id} has nothing to do at {saga.step.value}")

    async def _compensate(self, saga: Saga) -> bool:
        """Undo in reverse: the shipment, the payment, the stock. True when an authorization is still in
        flight (it is voided once it lands)."""
        order = saga.order_id
        if saga.shipment_requested and not await self.shipping.cancel(order):
            log.warning("saga %s: the carrier has the parcel already; it cannot be called off", saga.id)
        payment = await self.payments.state(order)
        in_flight = payment is not None and payment.status is PaymentStatus.AUTHORIZING
        if payment is not None and not in_flight and payment.status not in _SETTLED:
            await self.payments.void(order)
        await self.stock.release(order)  # harmless when nothing is held
        return in_flight


_SETTLED = frozenset({PaymentStatus.DECLINED, PaymentStatus.FAILED, PaymentStatus.VOIDED, PaymentStatus.VOIDING})


def _answered(saga: Saga, answer: Answer, now: datetime) -> bool:
    answer(saga, now)
    return True


def _noted(saga: Saga, failure: str, now: datetime) -> bool:
    saga.attempt_failed(failure, now)
    return True
