"""The sagas' use cases: start one on an order's event, move sagas on with what other contexts report,
and resume the stalled ones (the saga sweeper)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.orchestrator.commands import BeginCheckout, BeginRefund, Notify, ResumeStalled
from core.orchestrator.model import Saga, refund_saga_id
from core.orchestrator.use_cases.runner import SagaRunner
from core.shared.errors import Conflict
from ports.checkout import OrderDesk, PaymentDesk, ShippingDesk, StockDesk
from ports.orchestrator import OrchestratorUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory


class _SagaUseCase:
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
        self.runner = SagaRunner(uow, clock, stock, payments, orders, shipping)

    async def _start(self, saga: Saga) -> bool:
        """Store a new saga; False when it exists already (a redelivered start changes nothing)."""
        async with self.uow() as uow:
            if await uow.sagas.get(saga.id) is not None:
                return False
            try:
                await uow.sagas.add(saga)
                await uow.commit()
            except Conflict:  # started meanwhile by another delivery of the same event
                return False
        return True


class StartCheckoutSaga(_SagaUseCase):
    """Runs on orders.OrderPlaced: the checkout saga reserves the stock, authorizes the payment, and on."""

    async def __call__(self, command: BeginCheckout) -> None:
        saga = Saga.checkout(
            order_id=command.order_id,
            customer_id=command.customer_id,
            lines=command.lines,
            total=command.total,
            address=command.address,
            payment_token=command.payment_token,
            now=self.clock.now(),
        )
        if await self._start(saga):
            await self.runner.drive(saga.id)


class StartRefundSaga(_SagaUseCase):
    """Runs on orders.ReturnRequested: the refund saga gives the money back, or refuses the return."""

    async def __call__(self, command: BeginRefund) -> None:
        saga = Saga.refund(
            order_id=command.order_id, customer_id=command.customer_id, amount=command.amount, now=self.clock.now()
        )
        if not await self._start(saga):
            now = self.clock.now()
            if not await self.runner.change(saga.id, lambda s: s.request_return_again(command.amount, now)):
                return
        await self.runner.drive(saga.id)


class AdvanceSagas(_SagaUseCase):
    """Another context reports on an order: each of its sagas (checkout, refund) the news concerns moves on,
    and does its next steps. Stale or repeated news changes nothing."""

    async def __call__(self, command: Notify) -> None:
        for saga_id in (command.order_id, refund_saga_id(command.order_id)):
            if await self.runner.change(saga_id, lambda s: _hear(s, command, self.clock.now())):
                await self.runner.drive(saga_id)


def _hear(saga: Saga, command: Notify, now: datetime) -> bool:
    c = command
    return saga.hear(c.signal, now, reason=c.reason, operation=c.operation, declined=c.declined)


class ResumeStalledSagas(_SagaUseCase):
    """The saga sweeper: every running saga untouched for the stall period repeats its current step (a step
    lost to a crash, a failed call, an event never delivered). Sagas waiting for someone else's work are
    only marked as seen. Returns how many sagas it took up."""

    async def __call__(self, command: ResumeStalled) -> int:
        now = self.clock.now()
        async with self.uow() as uow:
            untouched_since = now - timedelta(seconds=command.stall_seconds)
            claimed = await uow.sagas.claim_stalled(untouched_since, now, command.limit)
            try:
                await uow.commit()
            except Conflict:  # another sweeper claimed some of them first: they are its to run
                return 0
        for saga in claimed:
            await self.runner.drive(saga.id)
        return len(claimed)
