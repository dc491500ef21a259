"""The refund saga of a return after delivery."""

from __future__ import annotations

from core.orchestrator.model import SagaKind, SagaStatus, Signal, Step
from core.shared.money import Money
from ports.checkout import PaymentStatus

from .conftest import SagasApp


async def test_a_return_is_refunded_and_the_order_marked_refunded(sagas: SagasApp) -> None:
    await sagas.request_return(Money(1999, "EUR"))
    assert sagas.desks.calls == ["payments.refund", "orders.mark_refunded: 19.99 EUR"]
    saga = await sagas.refund_saga()
    assert (saga.kind, saga.status, saga.id) == (SagaKind.REFUND, SagaStatus.COMPLETED, "refund:" + saga.order_id)


async def test_a_slow_refund_waits_for_payment_refunded(sagas: SagasApp) -> None:
    sagas.desks.refund_answer = PaymentStatus.REFUNDING
    await sagas.request_return()
    assert (await sagas.refund_saga()).step is Step.REFUND_PAYMENT
    await sagas.hear(Signal.PAYMENT_REFUNDED)
    await sagas.hear(Signal.PAYMENT_REFUNDED)
    assert sagas.desks.count("orders.mark_refunded: 49.98 EUR") == 1
    assert (await sagas.refund_saga()).status is SagaStatus.COMPLETED


async def test_a_refund_failed_for_good_refuses_the_return(sagas: SagasApp) -> None:
    sagas.desks.refund_answer = PaymentStatus.REFUNDING
    await sagas.request_return()
    await sagas.hear(Signal.PAYMENT_FAILED, operation="refund", reason="card expired")
    assert sagas.desks.calls[-1] == "orders.refuse_return: the refund failed: card expired"
    saga = await sagas.refund_saga()
    assert (saga.status, saga.reason) == (SagaStatus.FAILED, "the refund failed: card expired")


async def test_a_return_requested_twice_refunds_once(sagas: SagasApp) -> None:
    await sagas.request_return()
    await sagas.request_return()
    assert sagas.desks.count("payments.refund") == 1


async def test_a_refused_return_sent_back_again_starts_a_new_refund(sagas: SagasApp) -> None:
    sagas.desks.refund_answer = PaymentStatus.REFUNDING
    await sagas.request_return()
    await sagas.hear(Signal.PAYMENT_FAILED, operation="refund", reason="card expired")
    sagas.desks.refund_answer = PaymentStatus.REFUNDED
    await sagas.request_return()
    assert (await sagas.refund_saga()).status is SagaStatus.COMPLETED


async def test_the_checkout_saga_ignores_the_refund_news_of_a_return(sagas: SagasApp) -> None:
    await sagas.shipped()
    await sagas.hear(Signal.PARCEL_DELIVERED)
    sagas.desks.refund_answer = PaymentStatus.REFUNDING
    await sagas.request_return()
    await sagas.hear(Signal.PAYMENT_REFUNDED)
    assert (await sagas.saga()).status is SagaStatus.COMPLETED
    assert (await sagas.refund_saga()).status is SagaStatus.COMPLETED
