"""The sagas' use cases: start one on an order's event, move sagas on with what other contexts report,
and resume the stalled ones (the built-in runner's sweeper). The engine that runs them (``SagaEngine``: the
built-in runner or Temporal) is the settings' choice."""

from __future__ import annotations

from datetime import timedelta

from core.orchestrator.commands import BeginCheckout, BeginRefund, Notify, ResumeStalled
from core.orchestrator.model import Saga, refund_saga_id
from core.orchestrator.use_cases.runner import SagaRunner
from core.shared.errors import Conflict
from ports.orchestrator import OrchestratorUnitOfWork, SagaEngine
from ports.shared import Clock, UnitOfWorkFactory


class _SagaUseCase:
    def __init__(self, engine: SagaEngine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock


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
        await self.engine.begin(saga)  # False: a start delivered twice, which changes nothing


class StartRefundSaga(_SagaUseCase):
    """Runs on orders.ReturnRequested: the refund saga gives the money back, or refuses the return. A return
    refused and sent back once more runs the order's refund saga again."""

    async def __call__(self, command: BeginRefund) -> None:
        now = self.clock.now()
        saga = Saga.refund(order_id=command.order_id, customer_id=command.customer_id, amount=command.amount, now=now)
        if not await self.engine.begin(saga):
            await self.engine.begin_again(saga.id, lambda s: s.request_return_again(command.amount, now))


class AdvanceSagas(_SagaUseCase):
    """Another context reports on an order: each of its sagas (checkout, refund) the news concerns moves on,
    and does its next steps. Stale or repeated news changes nothing."""

    async def __call__(self, command: Notify) -> None:
        for saga_id in (command.order_id, refund_saga_id(command.order_id)):
            await self.engine.tell(saga_id, command)


class ResumeStalledSagas:
    """The built-in runner's sweeper: every running saga untouched for the stall period repeats its current
    step (a step lost to a crash, a failed call, an event never delivered). Sagas waiting for someone else's
    work are only marked as seen. Returns how many sagas it took up. (Temporal times and retries its own.)"""

    def __init__(self, uow: UnitOfWorkFactory[OrchestratorUnitOfWork], clock: Clock, runner: SagaRunner) -> None:
        self.uow, self.clock, self.runner = uow, clock, runner

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
