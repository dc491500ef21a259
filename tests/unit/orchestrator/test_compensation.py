"""Cancellations: what the saga undoes, in reverse, whatever step it was at."""

from __future__ import annotations

from core.orchestrator.model import SagaStatus, Signal, Step
from ports.checkout import PaymentStatus, ShipmentRefused

from .conftest import SagasApp


async def test_a_customer_cancelling_a_paid_order_gets_the_authorization_voided(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.hear(Signal.ORDER_CANCELLED, reason="changed my mind")
    assert sagas.desks.calls[-3:] == ["payments.state", "payments.void", "stock.release"]
    assert "shipping.cancel" not in sagas.desks.calls
    assert not any(call.startswith("orders.cancel") for call in sagas.desks.calls)  # the customer did it
    saga = await sagas.saga()
    assert (saga.status, saga.reason) == (SagaStatus.CANCELLED, "changed my mind")
    assert sagas.desks.released == 1


async def test_a_cancellation_after_the_shipment_was_booked_calls_it_off_first(sagas: SagasApp) -> None:
    await sagas.place()
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    await sagas.hear(Signal.ORDER_CANCELLED, reason="changed my mind")
    assert sagas.desks.calls[-4:] == ["shipping.cancel", "payments.state", "payments.void", "stock.release"]
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_a_cancellation_while_the_authorization_is_in_flight_voids_it_once_it_lands(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.AUTHORIZING
    await sagas.place()
    await sagas.hear(Signal.ORDER_CANCELLED, reason="too slow")
    saga = await sagas.saga()
    assert (saga.status, saga.step) == (SagaStatus.RUNNING, Step.AWAIT_VOID)
    assert "payments.void" not in sagas.desks.calls
    assert sagas.desks.released == 1

    sagas.desks.payment = PaymentStatus.AUTHORIZED
    await sagas.hear(Signal.PAYMENT_AUTHORIZED)
    assert sagas.desks.count("payments.void") == 1
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_an_authorization_in_flight_that_fails_after_a_cancellation_needs_no_void(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.AUTHORIZING
    await sagas.place()
    await sagas.hear(Signal.ORDER_CANCELLED, reason="too slow")
    sagas.desks.payment = PaymentStatus.FAILED
    await sagas.hear(Signal.PAYMENT_FAILED, operation="authorize", reason="timeout")
    assert "payments.void" not in sagas.desks.calls
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_the_sweeper_finds_an_authorization_that_landed_unheard_and_voids_it(sagas: SagasApp) -> None:
    sagas.desks.authorize_answer = PaymentStatus.AUTHORIZING
    await sagas.place()
    await sagas.hear(Signal.ORDER_CANCELLED, reason="too slow")
    sagas.clock.advance(61)
    await sagas.sweep()
    assert (await sagas.saga()).step is Step.AWAIT_VOID  # still in flight
    sagas.desks.payment = PaymentStatus.AUTHORIZED  # the PaymentAuthorized event was lost
    sagas.clock.advance(61)
    await sagas.sweep()
    assert sagas.desks.count("payments.void") == 1
    assert (await sagas.saga()).status is SagaStatus.CANCELLED


async def test_a_cancellation_before_the_reservation_ends_the_saga_and_releases_the_late_reservation(
    sagas: SagasApp,
) -> None:
    # The order is cancelled while the reservation is under way (delivered inside the reserve call).
    sagas.desks.hooks["stock.reserve"] = sagas.later(Signal.ORDER_CANCELLED, reason="changed my mind")
    await sagas.place()
    saga = await sagas.saga()
    assert (saga.status, saga.reason) == (SagaStatus.CANCELLED, "changed my mind")
    assert sagas.desks.calls == ["stock.reserve", "stock.release"]
    assert not sagas.desks.reserved


async def test_a_cancellation_after_shipping_changes_nothing(sagas: SagasApp) -> None:
    await sagas.shipped()
    before = list(sagas.desks.calls)
    await sagas.hear(Signal.ORDER_CANCELLED, reason="too late")
    assert sagas.desks.calls == before
    assert (await sagas.saga()).step is Step.AWAIT_DELIVERY


async def test_a_parcel_the_carrier_refuses_cancels_the_order_voids_and_releases(sagas: SagasApp) -> None:
    await sagas.place()
    sagas.desks.failing["shipping.create"] = ShipmentRefused("the carrier refused the parcel: no service in AQ")
    await sagas.hear(Signal.ORDER_READY_TO_SHIP)
    assert sagas.desks.calls[-6:] == [
        "shipping.create",
        "orders.cancel: the carrier cannot deliver this order: the carrier refused the parcel: no service in AQ",
        "shipping.cancel",  # nothing was booked: harmless
        "payments.state",
        "payments.void",
        "stock.release",
    ]
    saga = await sagas.saga()
    assert saga.status is SagaStatus.CANCELLED
    assert saga.reason == "the carrier cannot deliver this order: the carrier refused the parcel: no service in AQ"
    assert sagas.desks.released == 1
