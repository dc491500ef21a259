"""The saga engines' contract: the one saga definition (core.orchestrator.definition) run by the built-in
runner and by Temporal gives the same calls to the desks and the same ends.

Both are driven through the same use cases and fake desks (tests/support/sagas.py); each engine's record
of the saga lands in the same saga store, which is what the admin routes read. ``settle`` waits until the
engine has done what it can: the built-in runner did it inside the call (and its sweeper repeats what
failed), Temporal's workflows are waited for until each waits for news.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.memory.clock import ManualClock
from core.orchestrator import use_cases as uc
from core.orchestrator.commands import ResumeStalled
from core.orchestrator.definition import rule_of
from core.orchestrator.model import SagaStatus, Signal, Step
from core.shared.errors import Conflict
from ports.checkout import PaymentStatus, ShipmentRefused
from tests.support.sagas import AUTHORIZED_PATH, STALL, SagasApp

# The definition's rules, short enough for a test to see a hung call abandoned and tried again.
QUICK = timedelta(seconds=1)
SHIPPED = ["shipping.create", "payments.capture", "stock.commit", "orders.mark_shipped"]


@pytest.fixture(params=["builtin", pytest.param("temporal", marks=pytest.mark.infra)])
async def sagas(request: pytest.FixtureRequest) -> AsyncIterator[SagasApp]:
    clock = ManualClock()
    # An order of its own: Temporal keeps every workflow id it ran, and a start of one it knows does nothing.
    app = SagasApp(clock, rules=lambda step: rule_of(step).within(QUICK), order_id=f"order-{uuid.uuid4()}")
    if request.param == "builtin":

        async def sweep() -> None:
            clock.advance(STALL + 1)
            await app.build(uc.ResumeStalledSagas)(ResumeStalled(STALL))

        app.settle = sweep
        yield app
        return
    from adapters.temporal.activities import SagaActivities
    from adapters.temporal.engine import TemporalSagaEngine
    from adapters.temporal.worker import run_saga_worker
    from tests.support.temporal import temporal_connection

    connection = temporal_connection()
    queue = f"test-sagas-{uuid.uuid4().hex[:8]}"
    engine = TemporalSagaEngine(connection, queue, STALL, app.uow, rules=app.rules)
    app.engine = engine
    app.settle = engine.quiet
    worker = asyncio.create_task(run_saga_worker(connection, queue, SagaActivities(app.definition_desks, app.uow)))
    try:
        yield app
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


async def test_a_paid_order_is_confirmed_shipped_and_delivered(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.settle()
    assert sagas.desks.calls == AUTHORIZED_PATH
    assert (await sagas.saga()).step is Step.AWAIT_SELLERS
    for signal in (Signal.ORDER_READY_TO_SHIP, Signal.PARCEL_PICKED_UP, Signal.PARCEL_DELIVERED):
        await sagas.hear(signal)
        await sagas.settle()
    assert sagas.desks.calls == [*AUTHORIZED_PATH, *SHIPPED, "orders.mark_delivered"]
    saga = await sagas.saga()
    assert (saga.status, saga.step) == (SagaStatus.COMPLETED, Step.DONE)
    assert [e.outcome for e in saga.log][:3] == ["order placed", "stock reserved", "payment authorized"]


async def test_a_start_delivered_twice_runs_one_saga(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.place()
    await sagas.settle()
    assert sagas.desks.calls == AUTHORIZED_PATH


async def test_a_declined_payment_releases_the_stock_and_cancels_the_order(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.DECLINED
    await sagas.place()
    await sagas.settle()
    assert sagas.desks.calls[3:] == [
        "orders.cancel: payment declined: insufficient funds",
        "payments.state",
        "stock.release",
    ]
    assert sagas.desks.released == 1
    saga = await sagas.saga()
    assert (saga.status, saga.reason) == (SagaStatus.CANCELLED, "payment declined: insufficient funds")


async def test_a_carrier_refusal_gives_the_money_and_the_stock_back(sagas: SagasApp) -> None:
    sagas.desks.failing["shipping.create"] = ShipmentRefused("no deliveries to this island")
    await sagas.place()
    await sagas.settle()
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    await sagas.settle()
    assert sagas.desks.calls[len(AUTHORIZED_PATH) :] == [
        "shipping.create",
        "orders.cancel: the carrier cannot deliver this order: no deliveries to this island",
        "shipping.cancel",
        "payments.state",
        "payments.void",
        "stock.release",
    ]
    assert sagas.desks.payment is PaymentStatus.VOIDED
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_a_step_the_desk_keeps_refusing_is_left_once_news_moves_the_saga_on(sagas: SagasApp) -> None:
    """The customer cancelled her order before the saga asked for her payment: the order desk refuses to
    make a cancelled order await one, every time. The cancellation's news moves the saga to compensate, and
    the step it left is not tried for ever (Temporal tried the activity again and again, the workflow
    waiting on it: found by the chaos run, bench/chaos.py)."""
    sagas.desks.refusing["orders.await_payment"] = Conflict("a cancelled order cannot become awaiting payment")
    await sagas.place()
    for _ in range(600):  # the workflow's first try of the step (the built-in runner's is inside place())
        if sagas.desks.count("orders.await_payment"):
            break
        await asyncio.sleep(0.05)
    await sagas.hear(Signal.ORDER_CANCELLED, reason="changed my mind")
    await asyncio.wait_for(sagas.settle(), 60)
    saga = await sagas.saga()
    assert (saga.status, saga.reason) == (SagaStatus.CANCELLED, "changed my mind")
    assert "payments.authorize" not in sagas.desks.calls
    assert sagas.desks.released == 1


async def test_a_step_tried_again_after_a_timeout_is_applied_once(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.settle()
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    await sagas.settle()
    sagas.desks.hooks["payments.capture"] = asyncio.Event().wait  # the first capture never answers
    await sagas.hear(Signal.PARCEL_PICKED_UP)
    await sagas.settle()
    assert sagas.desks.count("payments.capture") == 2
    assert sagas.desks.count("stock.commit") == sagas.desks.count("orders.mark_shipped") == 1
    saga = await sagas.saga()
    assert saga.step is Step.AWAIT_DELIVERY
    assert [e.outcome for e in saga.log].count("payment captured, stock committed, order shipped") == 1


async def test_a_return_is_refunded_and_a_refused_one_can_be_sent_again(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.settle()
    for signal in (Signal.ORDER_READY_TO_SHIP, Signal.PARCEL_PICKED_UP, Signal.PARCEL_DELIVERED):
        await sagas.hear(signal)
        await sagas.settle()
    sagas.desks.refund_answer = PaymentStatus.REFUNDING
    await sagas.request_return()
    await sagas.hear(Signal.PAYMENT_FAILED, operation="refund", reason="card closed")
    await sagas.settle()
    refund = await sagas.refund_saga()
    assert (refund.status, refund.reason) == (SagaStatus.FAILED, "the refund failed: card closed")
    assert "orders.refuse_return: the refund failed: card closed" in sagas.desks.calls

    sagas.desks.refund_answer = PaymentStatus.REFUNDED
    await sagas.request_return()
    await sagas.settle()
    refund = await sagas.refund_saga()
    assert refund.status is SagaStatus.COMPLETED
    assert sagas.desks.calls[-1] == "orders.mark_refunded: 49.98 EUR"
