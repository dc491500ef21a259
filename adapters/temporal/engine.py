"""``TemporalSagaEngine``: the sagas' ``SagaEngine`` on Temporal.

A saga is a workflow whose id comes from its order (``checkout:<order id>``, ``refund:<order id>``), so a
start delivered twice finds the first one and changes nothing. News is a signal to that workflow; news of
a saga that does not run (none, or ended) is dropped, as the built-in runner drops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from adapters.temporal.client import TemporalConnection
from adapters.temporal.codec import news_to_json, rules_to_json, saga_to_json
from adapters.temporal.workflows import HEAR, WORKFLOWS
from core.orchestrator.commands import Notify
from core.orchestrator.definition import DESK_WORK, StepRule, rule_of
from core.orchestrator.model import REFUND_PREFIX, Saga, SagaKind, Step
from core.shared.errors import Conflict, Unavailable
from ports.orchestrator import OrchestratorUnitOfWork
from ports.shared import UnitOfWorkFactory

log = logging.getLogger(__name__)

_QUIET_POLL_SECONDS = 0.02
_SOON = timedelta(seconds=1)


def workflow_id(saga_id: str) -> str:
    """``checkout:<order id>`` or ``refund:<order id>`` (a refund saga's id is ``refund:<order id>``)."""
    if saga_id.startswith(REFUND_PREFIX):
        return saga_id
    return f"{SagaKind.CHECKOUT.value}:{saga_id}"


class TemporalSagaEngine:
    # How many stirred workflows it remembers for ``quiet``: a long-running process that nobody settles (every
    # ``serve`` and ``consume``) forgets the ones stirred longest ago, rather than growing without bound.
    remembered_stirs = 10_000

    def __init__(
        self,
        connection: TemporalConnection,
        task_queue: str,
        stall_seconds: int,
        uow: UnitOfWorkFactory[OrchestratorUnitOfWork],
        rules: Callable[[Step], StepRule] = rule_of,
    ) -> None:
        self.connection, self.task_queue, self.stall_seconds = connection, task_queue, stall_seconds
        self.uow = uow
        # The steps' rules travel with the workflow's start: its history keeps what it ran with.
        self.rules = rules_to_json({step: rules(step) for step in DESK_WORK})
        # The workflows this process set going or told something since it last settled (``quiet``), each with
        # the count of its latest stir: a workflow stirred again while ``quiet`` looks at it is looked at again.
        self._stirred: dict[str, int] = {}
        self._stirs = itertools.count()

    async def begin(self, saga: Saga) -> bool:
        """Record the saga (with the card's token, which stays out of the workflow's history), then start its
        workflow. A saga recorded but never moved is started again: its first start may have failed."""
        async with self.uow() as uow:
            recorded = await uow.sagas.get(saga.id)
            if recorded is None:
                with contextlib.suppress(Conflict):  # recorded meanwhile by another delivery: its id decides
                    await uow.sagas.add(saga)
                    await uow.commit()
            elif recorded.seq or recorded.ended:
                return False  # it ran (its history may be gone by now, its record is not)
        return await self._start(attrs.evolve(saga, payment_token=None), WorkflowIDReusePolicy.REJECT_DUPLICATE)

    async def begin_again(self, saga_id: str, change: Callable[[Saga], bool]) -> bool:
        async with self.uow() as uow:
            saga = await uow.sagas.get(saga_id)
        if saga is None or not change(saga):
            return False
        return await self._start(saga, WorkflowIDReusePolicy.ALLOW_DUPLICATE)  # a closed run only

    async def tell(self, saga_id: str, news: Notify) -> None:
        handle = (await self.connection.client()).get_workflow_handle(workflow_id(saga_id))
        try:
            await handle.signal(HEAR, news_to_json(news))
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                return  # no such saga running: nothing to move on
            raise Unavailable(f"temporal: cannot signal {handle.id}: {error}") from error
        self._stir(handle.id)

    def _stir(self, wid: str) -> None:
        self._stirred.pop(wid, None)  # to the end: the dict keeps the order of the latest stirs
        self._stirred[wid] = next(self._stirs)
        if len(self._stirred) > self.remembered_stirs:
            del self._stirred[next(iter(self._stirred))]

    async def _start(self, saga: Saga, reuse: WorkflowIDReusePolicy) -> bool:
        start: dict[str, Any] = {"saga": saga_to_json(saga), "stall_seconds": self.stall_seconds, "rules": self.rules}
        try:
            handle = await (await self.connection.client()).start_workflow(
                WORKFLOWS[saga.kind], start, id=workflow_id(saga.id), task_queue=self.task_queue, id_reuse_policy=reuse
            )
        except WorkflowAlreadyStartedError:
            return False
        except RPCError as error:
            raise Unavailable(f"temporal: cannot start the saga {saga.id}: {error}") from error
        self._stir(handle.id)
        return True

    async def quiet(self) -> None:
        """Until every workflow stirred since the last call has ended, or waits: for news, a timer, or a
        failing activity's next try more than a second away."""
        while self._stirred:
            for wid, stir in list(self._stirred.items()):  # sagas go on being stirred while it looks
                if not await self._busy(wid) and self._stirred.get(wid) == stir:
                    del self._stirred[wid]
            if self._stirred:
                await asyncio.sleep(_QUIET_POLL_SECONDS)

    async def _busy(self, wid: str) -> bool:
        try:
            described = await (await self.connection.client()).get_workflow_handle(wid).describe()
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                return False
            raise
        if described.status is not WorkflowExecutionStatus.RUNNING:
            return False
        raw = described.raw_description
        if raw.HasField("pending_workflow_task"):
            return True
        return any(_under_way(a) for a in raw.pending_activities)


def _under_way(activity: PendingActivityInfo) -> bool:
    """Running, about to run, or to be tried again within a second (a later try is not waited for)."""
    if activity.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED:
        return True
    if activity.state != PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED:
        return False
    if activity.attempt <= 1 or not activity.HasField("next_attempt_schedule_time"):
        return True
    return activity.next_attempt_schedule_time.ToDatetime(tzinfo=UTC) - datetime.now(UTC) <= _SOON
