"""Every step is safe to repeat, stale answers are dropped, and events delivered inside a desk call (as the
memory profile does) move the saga exactly once."""

from __future__ import annotations

import asyncio
import contextlib

from core.orchestrator.model import SagaStatus, Signal, Step
from ports.checkout import PaymentStatus

from .conftest import AUTHORIZED_PATH, SagasApp


async def test_the_same_events_twice_change_nothing_the_second_time(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.place()  # OrderPlaced delivered again
    assert sagas.desks.calls == AUTHORIZED_PATH
    await sagas.hear(Signal.PAYMENT_AUTHORIZED)  # late, after the call's own answer
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    await sagas.hear(Signal.PARCEL_PICKED_UP)
    await sagas.hear(Signal.PARCEL_PICKED_UP)  # out_for_delivery after in_transit
    await sagas.hear(Signal.PARCEL_DELIVERED)
    await sagas.hear(Signal.PARCEL_DELIVERED)
    for call in [*AUTHORIZED_PATH, "shipping.create", "payments.capture", "stock.commit", "orders.mark_delivered"]:
        assert sagas.desks.count(call) == 1, call
    assert (await sagas.saga()).status is SagaStatus.COMPLETED


async def test_an_event_inside_the_authorize_call_moves_the_saga_once(sagas: SagasApp) -> None:
    # The payments context commits PaymentAuthorized inside authorize(): its consumer runs at once.
    sagas.desks.hooks["payments.authorize"] = sagas.later(Signal.PAYMENT_AUTHORIZED)
    await sagas.place()
    assert sagas.desks.calls == AUTHORIZED_PATH  # confirmed once: the call's own answer was stale
    saga = await sagas.saga()
    assert saga.step is Step.AWAIT_SELLERS
    assert [e.outcome for e in saga.log].count("payment authorized") == 1


async def test_a_decline_reported_inside_the_authorize_call_compensates_once(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.DECLINED
    sagas.desks.hooks["payments.authorize"] = sagas.later(
        Signal.PAYMENT_FAILED, operation="authorize", reason="insufficient funds", declined=True
    )
    await sagas.place()
    assert sagas.desks.count("orders.cancel: payment declined: insufficient funds") == 1
    assert sagas.desks.count("stock.release") == 1
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_the_saga_own_cancellation_echoed_inside_the_call_compensates_once(sagas: SagasApp) -> None:
    sagas.desks.in_stock = False
    sagas.desks.hooks["orders.cancel: out of stock"] = sagas.later(Signal.ORDER_CANCELLED, reason="out of stock")
    await sagas.place()
    assert sagas.desks.count("stock.release") == 1
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_pickup_reported_inside_the_create_call_settles_once(sagas: SagasApp) -> None:
    await sagas.place()
    sagas.desks.hooks["shipping.create"] = sagas.later(Signal.PARCEL_PICKED_UP)
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    assert sagas.desks.count("payments.capture") == 1
    assert (await sagas.saga()).step is Step.AWAIT_DELIVERY


async def test_the_sweeper_repeating_a_step_whose_answer_arrives_late_applies_it_once(sagas: SagasApp) -> None:
    # The first reserve call hangs (a slow desk); the sweeper repeats the step meanwhile.
    release = asyncio.Event()

    async def slow() -> None:
        await release.wait()

    sagas.desks.hooks["stock.reserve"] = slow
    first = asyncio.create_task(sagas.place())
    await asyncio.sleep(0)
    sagas.clock.advance(61)
    assert await sagas.sweep() == 1
    assert (await sagas.saga()).step is Step.AWAIT_SELLERS
    release.set()
    await first
    assert sagas.desks.count("stock.reserve") == 2
    assert sagas.desks.count("payments.authorize") == 1  # the stale answer moved nothing
    assert (await sagas.saga()).step is Step.AWAIT_SELLERS


async def test_a_waiting_saga_is_only_marked_seen_by_the_sweeper(sagas: SagasApp) -> None:
    await sagas.place()
    before = list(sagas.desks.calls)
    sagas.clock.advance(61)
    assert await sagas.sweep() == 1
    assert await sagas.sweep() == 0  # touched: not stalled again before another period
    assert sagas.desks.calls == before
    assert (await sagas.saga()).step is Step.AWAIT_SELLERS


async def test_a_saga_resumes_from_its_stored_state_after_a_restart(sagas: SagasApp) -> None:
    # The process dies inside the authorize call (not a domain error: nothing catches it).
    sagas.desks.failing["payments.authorize"] = SystemError("killed")
    with contextlib.suppress(SystemError):
        await sagas.place()
    assert (await sagas.saga()).step is Step.AUTHORIZE_PAYMENT

    # A new process: the same stored sagas, new use case instances and desks.
    restarted = type(sagas)(sagas.clock, tables=sagas.tables)
    restarted.desks.payment = None
    sagas.clock.advance(61)
    assert await restarted.sweep() == 1
    assert restarted.desks.calls == ["orders.await_payment", "payments.authorize", "orders.confirm"]
    await restarted.hear(Signal.ORDER_READY_TO_SHIP)
    assert (await restarted.saga()).step is Step.AWAIT_PICKUP
