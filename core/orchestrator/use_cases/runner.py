"""The built-in saga engine: runs core.orchestrator.definition with the saga's state in the orchestrator
database.

The rule that makes the sagas safe both in one process and across many: the saga's new step is stored
BEFORE any desk is called, no transaction is held during a call, and the call's answer is applied only if
the saga is still at the ``seq`` the call was made at. On the memory profile a desk's commit runs the
consumers of the events it raised at once, inside the call: they may move this very saga on, and then the
answer is stale and dropped (the events already said the same). Every desk call is idempotent on the
order id, so a step repeated (by the sweeper, or by a redelivered event) changes nothing twice. A step that
fails or outlasts its rule's timeout stays where it is, noted, and the sweeper repeats it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from core.orchestrator.commands import Notify
from core.orchestrator.definition import Desks, Outcome, StepRule, apply, hear, perform, rule_of, undo_late
from core.orchestrator.model import Saga, Step
from core.shared.errors import Conflict, DomainError, Unavailable
from ports.orchestrator import OrchestratorUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)

Change = Callable[[Saga], bool]

# More moves than any saga makes in one go: a guard against a loop, never reached by a correct saga.
_MAX_MOVES = 32
_RETRIES = 5


class SagaRunner:
    """The ``SagaEngine`` of the built-in runner."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[OrchestratorUnitOfWork],
        clock: Clock,
        desks: Desks,
        rules: Callable[[Step], StepRule] = rule_of,
    ) -> None:
        self.uow, self.clock, self.desks, self.rules = uow, clock, desks, rules

    # SagaEngine ---------------------------------------------------------------------------------------

    async def begin(self, saga: Saga) -> bool:
        async with self.uow() as uow:
            if await uow.sagas.get(saga.id) is not None:
                return False
            try:
                await uow.sagas.add(saga)
                await uow.commit()
            except Conflict:  # begun meanwhile by another delivery of the same event
                return False
        await self.drive(saga.id)
        return True

    async def begin_again(self, saga_id: str, change: Change) -> bool:
        if not await self.change(saga_id, change):
            return False
        await self.drive(saga_id)
        return True

    async def tell(self, saga_id: str, news: Notify) -> None:
        now = self.clock.now()
        if await self.change(saga_id, lambda saga: hear(saga, news, now)):
            await self.drive(saga_id)

    async def quiet(self) -> None:
        return None  # a saga's work was done inside the call that moved it

    # The runner ---------------------------------------------------------------------------------------

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
            async with asyncio.timeout(self.rules(step).timeout.total_seconds()):
                outcome = await perform(saga, self.desks)
        except (DomainError, TimeoutError) as error:
            log.warning("saga %s: %s failed: %r", saga_id, step.value, error)
            failure = _failure(error)
            await self.change(saga_id, lambda s: s.seq == seq and _noted(s, failure, self.clock.now()))
            return False
        if not await self.change(saga_id, lambda s: s.seq == seq and _answered(s, outcome, self.clock.now())):
            await self._late(saga_id, step)
            return False
        after = await self.load(saga_id)
        return after is not None and after.seq != seq  # else answered but still there: waiting for an event

    async def _late(self, saga_id: str, step: Step) -> None:
        """A stale answer: the saga moved on meanwhile; undo what the definition says must be undone."""
        saga = await self.load(saga_id)
        if saga is not None and undo_late(step, saga):
            await self.desks.stock.release(saga.order_id)


def _failure(error: Exception) -> str:
    if isinstance(error, DomainError):
        return f"{type(error).__name__}: {error.message}"
    return "the step took longer than its timeout"


def _answered(saga: Saga, outcome: Outcome, now: datetime) -> bool:
    apply(saga, outcome, now)
    return True


def _noted(saga: Saga, failure: str, now: datetime) -> bool:
    saga.attempt_failed(failure, now)
    return True
