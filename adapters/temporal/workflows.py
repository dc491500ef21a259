"""The saga workflow: one per saga (workflow id ``checkout:<order id>`` or ``refund:<order id>``), running
``core.orchestrator.definition`` as the built-in runner does, with Temporal keeping the state.

The loop: at an active step, ask for the ``perform`` activity (its timeout and retries are the step's
``StepRule``) and apply its outcome if the saga is still at the seq it was asked at; news (the ``hear``
signal) may have moved the saga meanwhile, and then the call is let go (its answer would be stale), but for
a reservation, which is waited for and undone if it landed after a cancellation. At a waiting step, or
after an answer that left the saga where it was (a payment still in flight), wait for news; an active step
is tried again after ``stall_seconds`` without any (the built-in sweeper's period). Every change is
recorded (the ``record`` activity) in the orchestrator's database, which the admin routes and the census
read.

Deterministic, as a workflow must be: time is ``workflow.now()``, the only I/O is activities.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from adapters.temporal.codec import (
        news_from_json,
        outcome_from_json,
        rules_from_json,
        saga_from_json,
        saga_to_json,
    )
    from core.orchestrator.definition import StepRule, apply, hear, rule_of, undo_late
    from core.orchestrator.model import Saga, SagaKind, Step

# The workflow types, one per saga kind (what Temporal's UI lists and filters by): one loop runs both.
WORKFLOWS = {SagaKind.CHECKOUT: "checkout-saga", SagaKind.REFUND: "refund-saga"}
HEAR = "hear"
STATE = "state"
PERFORM = "saga-perform-step"
RECORD = "saga-record"
RELEASE = "saga-release-stock"
_RECORDING = StepRule(timeout=timedelta(seconds=15), inside=True)  # a write to the orchestrator database
# A step whose call is waited for even once the saga moved on: a reservation that lands after the order was
# cancelled is undone (``undo_late``), so it must be known to have landed, or not.
_LANDS = frozenset({Step.RESERVE_STOCK})
LET_GO = "let-go-of-stale-steps"  # workflow.patched: histories made before keep replaying as they ran


def _retrying(rule: StepRule) -> dict[str, Any]:
    """The activity options of a step's rule: tried until it succeeds, as the built-in runner does."""
    return {
        "start_to_close_timeout": rule.timeout,
        "retry_policy": RetryPolicy(
            initial_interval=rule.first_pause,
            backoff_coefficient=2.0,
            maximum_interval=rule.longest_pause,
            maximum_attempts=0,
        ),
    }


class SagaWorkflow:
    """The loop every saga kind runs (the definition says what each step does)."""

    @workflow.init
    def __init__(self, start: dict[str, Any]) -> None:
        self.saga: Saga = saga_from_json(start["saga"])
        self.stall = timedelta(seconds=start["stall_seconds"])
        self.rules = rules_from_json(start["rules"])
        self.news = 0  # how many signals changed the saga
        self.recorded: dict[str, Any] | None = None

    async def _run(self) -> dict[str, Any]:
        saga = self.saga
        await self._record()
        while not saga.ended:
            seq, news = saga.seq, self.news
            if not saga.waiting:
                await self._step()
            if saga.seq == seq and not saga.ended:
                await self._await_news(news, None if saga.waiting else self.stall)
            await self._record()
        return saga_to_json(saga)

    @workflow.signal(name=HEAR)
    def hear(self, sent: dict[str, Any]) -> None:
        if hear(self.saga, news_from_json(sent), workflow.now()):
            self.news += 1

    @workflow.query(name=STATE)
    def state(self) -> dict[str, Any]:
        return saga_to_json(self.saga)

    async def _step(self) -> None:
        saga = self.saga
        seq, step = saga.seq, saga.step
        rule = self._rule(step)
        # A step inside the shop is a local activity: done by this worker in the workflow's own task, with no
        # round trip through the server to schedule it (its result is still in the history).
        start = workflow.start_local_activity if rule.inside else workflow.start_activity
        call = start(PERFORM, saga_to_json(saga), **_retrying(rule))
        if workflow.patched(LET_GO) and step not in _LANDS:
            # News that moves the saga on makes the call's answer stale: the call is let go, as the built-in
            # runner leaves a step it moved off, rather than tried for ever when the desk can no longer do it
            # (a payment awaited for an order cancelled meanwhile).
            await workflow.wait_condition(lambda: call.done() or saga.seq != seq)
            if not call.done():
                call.cancel()
                with contextlib.suppress(ActivityError, asyncio.CancelledError):
                    await call
                return
        answer = await call
        if saga.seq == seq:
            apply(saga, outcome_from_json(answer), workflow.now())
        elif undo_late(step, saga):
            await workflow.execute_activity(RELEASE, saga.order_id, **_retrying(self._rule(step)))

    def _rule(self, step: Step) -> StepRule:
        return self.rules.get(step) or rule_of(step)

    async def _await_news(self, seen: int, at_most: timedelta | None) -> None:
        try:
            await workflow.wait_condition(lambda: self.news != seen, timeout=at_most)
        except TimeoutError:
            return  # no news: the step is tried again

    async def _record(self) -> None:
        state = saga_to_json(self.saga)
        if state != self.recorded:
            await workflow.execute_local_activity(RECORD, state, **_retrying(_RECORDING))
            self.recorded = state


@workflow.defn(name=WORKFLOWS[SagaKind.CHECKOUT])
class CheckoutSagaWorkflow(SagaWorkflow):
    """The checkout saga: reserve, authorize, confirm, ship, settle, deliver; or compensate."""

    @workflow.run
    async def run(self, start: dict[str, Any]) -> dict[str, Any]:
        return await self._run()


@workflow.defn(name=WORKFLOWS[SagaKind.REFUND])
class RefundSagaWorkflow(SagaWorkflow):
    """The refund saga: refund the payment and mark the order refunded, or refuse the return."""

    @workflow.run
    async def run(self, start: dict[str, Any]) -> dict[str, Any]:
        return await self._run()
