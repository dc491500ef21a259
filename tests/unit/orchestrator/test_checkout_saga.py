"""The checkout saga: the happy path, its waits, and every way it ends."""

from __future__ import annotations

from core.orchestrator.model import SagaStatus, Signal, Step
from ports.checkout import PaymentStatus

from .conftest import AUTHORIZED_PATH, SagasApp, unavailable


async def test_a_good_checkout_goes_from_placed_to_delivered(sagas: SagasApp) -> None:
    await sagas.place()
    assert sagas.desks.calls == AUTHORIZED_PATH
    assert (await sagas.saga()).step is Step.AWAIT_SELLERS

    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    assert (await sagas.saga()).step is Step.AWAIT_PICKUP
    await sagas.hear(Signal.PARCEL_PICKED_UP)
    assert (await sagas.saga()).step is Step.AWAIT_DELIVERY
    await sagas.hear(Signal.PARCEL_DELIVERED)

    assert sagas.desks.calls == [
        *AUTHORIZED_PATH,
        "shipping.create",
        "payments.capture",
        "stock.commit",
        "orders.mark_shipped",
        "orders.mark_delivered",
    ]
    saga = await sagas.saga()
    assert (saga.status, saga.step) == (SagaStatus.COMPLETED, Step.DONE)
    assert saga.payment_token is None
    outcomes = [entry.outcome for entry in saga.log]
    assert outcomes[:3] == ["order placed", "stock reserved", "payment authorized"]
    assert outcomes[-1] == "order delivered"


async def test_out_of_stock_cancels_the_order_and_charges_nothing(sagas: SagasApp) -> None:
    sagas.desks.in_stock = False
    await sagas.place()
    assert sagas.desks.calls == ["stock.reserve", "orders.cancel: out of stock", "payments.state", "stock.release"]
    saga = await sagas.saga()
    assert (saga.status, saga.reason) == (SagaStatus.CANCELLED, "out of stock")


async def test_a_declined_card_releases_the_stock_and_cancels_the_order(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.DECLINED
    await sagas.place()
    assert sagas.desks.calls[3:] == [
        "orders.cancel: payment declined: insufficient funds",
        "payments.state",
        "stock.release",
    ]
    assert sagas.desks.released == 1
    assert "payments.void" not in sagas.desks.calls
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_a_payment_failed_for_good_cancels_the_order(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.FAILED
    await sagas.place()
    assert "orders.cancel: payment failed" in sagas.desks.calls
    assert sagas.desks.released == 1
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_an_authorization_in_flight_waits_for_the_gateway(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.AUTHORIZING
    await sagas.place()
    assert (await sagas.saga()).step is Step.AUTHORIZE_PAYMENT
    assert "orders.confirm" not in sagas.desks.calls

    sagas.desks.payment = PaymentStatus.AUTHORIZED
    await sagas.hear(Signal.PAYMENT_AUTHORIZED)
    assert (await sagas.saga()).step is Step.AWAIT_SELLERS
    assert sagas.desks.count("orders.confirm") == 1


async def test_an_authorization_that_finally_fails_cancels_the_order(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.AUTHORIZING
    await sagas.place()
    sagas.desks.payment = PaymentStatus.FAILED
    await sagas.hear(Signal.PAYMENT_FAILED, operation="authorize", reason="gateway timeout", declined=False)
    assert "orders.cancel: payment failed" in sagas.desks.calls
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_a_declined_webhook_names_the_reason(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.AUTHORIZING
    await sagas.place()
    sagas.desks.payment = PaymentStatus.DECLINED
    await sagas.hear(Signal.PAYMENT_FAILED, operation="authorize", reason="stolen card", declined=True)
    assert "orders.cancel: payment declined: stolen card" in sagas.desks.calls
    assert (await sagas.saga()).reason == "payment declined: stolen card"


async def test_a_parcel_lost_on_the_way_is_refunded(sagas: SagasApp) -> None:
    await sagas.shipped()
    await sagas.hear(Signal.PARCEL_LOST)
    assert sagas.desks.calls[-2:] == ["payments.refund", "orders.mark_refunded: 49.98 EUR"]
    saga = await sagas.saga()
    assert (saga.status, saga.step) == (SagaStatus.LOST_REFUNDED, Step.DONE)


async def test_a_slow_refund_of_a_lost_parcel_waits_for_payment_refunded(sagas: SagasApp) -> None:
    sagas.desks.refund_answer = PaymentStatus.REFUNDING
    await sagas.shipped()
    await sagas.hear(Signal.PARCEL_LOST)
    assert (await sagas.saga()).step is Step.REFUND_PAYMENT
    await sagas.hear(Signal.PAYMENT_REFUNDED)
    assert sagas.desks.count("orders.mark_refunded: 49.98 EUR") == 1
    assert (await sagas.saga()).status is SagaStatus.LOST_REFUNDED


async def test_a_parcel_lost_before_the_saga_saw_it_leave_is_settled_then_refunded(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    await sagas.hear(Signal.PARCEL_LOST)
    assert sagas.desks.calls[-5:] == [
        "payments.capture",
        "stock.commit",
        "orders.mark_shipped",
        "payments.refund",
        "orders.mark_refunded: 49.98 EUR",
    ]
    assert (await sagas.saga()).status is SagaStatus.LOST_REFUNDED


async def test_delivered_seen_first_still_captures_before_completing(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    await sagas.hear(Signal.PARCEL_DELIVERED)
    assert sagas.desks.calls[-4:] == [
        "payments.capture",
        "stock.commit",
        "orders.mark_shipped",
        "orders.mark_delivered",
    ]
    assert (await sagas.saga()).status is SagaStatus.COMPLETED


async def test_a_carrier_out_of_reach_leaves_the_step_for_the_sweeper(sagas: SagasApp) -> None:
    sagas.desks.failing["shipping.create"] = unavailable()
    await sagas.place()
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    saga = await sagas.saga()
    assert saga.step is Step.CREATE_SHIPMENT
    assert saga.log[-1].outcome == "failed, to be repeated: Unavailable: the carrier does not answer"

    assert await sagas.sweep() == 0  # not stalled yet
    sagas.clock.advance(61)
    assert await sagas.sweep() == 1
    assert sagas.desks.count("shipping.create") == 2
    assert (await sagas.saga()).step is Step.AWAIT_PICKUP
