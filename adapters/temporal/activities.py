"""The saga workflow's activities: the only place a saga on Temporal touches the world.

Each is safe to repeat (Temporal runs an activity again after a timeout or a lost worker): the desk calls
are idempotent on the order id, and the record is written at the version it finds. The card's token is in
the record only (TemporalSagaEngine.begin put it there): the workflow's history, which Temporal's UI shows to
whoever may open it, never holds it; the record drops it once the payment is past authorization.
"""

from __future__ import annotations

from typing import Any

from temporalio import activity

from adapters.temporal.codec import outcome_to_json, saga_from_json
from adapters.temporal.workflows import PERFORM, RECORD, RELEASE
from core.orchestrator.definition import Desks, perform
from ports.orchestrator import OrchestratorUnitOfWork
from ports.shared import UnitOfWorkFactory


class SagaActivities:
    def __init__(self, desks: Desks, uow: UnitOfWorkFactory[OrchestratorUnitOfWork]) -> None:
        self.desks, self.uow = desks, uow

    @activity.defn(name=PERFORM)
    async def perform_step(self, state: dict[str, Any]) -> dict[str, Any]:
        saga = saga_from_json(state)
        if saga.before_authorization and saga.payment_token is None:
            saga.payment_token = await self._token(saga.id)  # kept in the record, never in the history
        return outcome_to_json(await perform(saga, self.desks))

    @activity.defn(name=RELEASE)
    async def release_stock(self, order_id: str) -> None:
        await self.desks.stock.release(order_id)

    @activity.defn(name=RECORD)
    async def record(self, state: dict[str, Any]) -> None:
        """Store the saga as the workflow has it: added the first time, overwritten after."""
        saga = saga_from_json(state)
        async with self.uow() as uow:
            stored = await uow.sagas.get(saga.id)
            if stored is None:
                await uow.sagas.add(saga)
            else:
                saga.version = stored.version
                if saga.before_authorization:
                    saga.payment_token = stored.payment_token  # dropped once the payment is past it
                await uow.sagas.update(saga)
            await uow.commit()

    async def _token(self, saga_id: str) -> str | None:
        async with self.uow() as uow:
            stored = await uow.sagas.get(saga_id)
        return None if stored is None else stored.payment_token

    @property
    def all(self) -> list[Any]:
        return [self.perform_step, self.release_stock, self.record]
