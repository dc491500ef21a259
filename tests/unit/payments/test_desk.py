"""The saga's desk: authorize, capture, void and refund, each idempotent on the order id."""

from __future__ import annotations

import asyncio

import pytest

from core.payments.events import PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentRefunded, PaymentVoided
from core.shared.errors import Conflict, NotFound, Unavailable, ValidationFailed
from core.shared.money import Money
from ports.checkout import PaymentStatus

from ..harness import Published
from .conftest import ANN, EUR_42, PaymentsApp


@pytest.fixture
def published(payments: PaymentsApp) -> Published:
    return Published(payments.bus)


async def test_a_good_card_is_authorized_with_its_event(payments: PaymentsApp, published: Published) -> None:
    state = await payments.authorize()

    assert (state.status, state.amount, state.failure) == (PaymentStatus.AUTHORIZED, EUR_42, None)
    [event] = published.of(PaymentAuthorized)
    assert (event.order_id, event.amount, event.payment_id) == ("order-1", EUR_42, state.payment_id)
    stored = await payments.stored()
    assert stored.authorization_id is not None
    assert stored.next_attempt_at is None
    assert [h.status for h in stored.history] == [PaymentStatus.AUTHORIZING, PaymentStatus.AUTHORIZED]
    assert payments.simulator.ledger()["EUR"]["authorized"] == {"amount": 4200, "count": 1}


@pytest.mark.parametrize(
    ("token", "code"), [("tok_decline", "card_declined"), ("tok_insufficient_funds", "insufficient_funds")]
)
async def test_a_declined_card_is_a_result_and_an_event(
    payments: PaymentsApp, published: Published, token: str, code: str
) -> None:
    state = await payments.authorize(token=token)

    assert state.status is PaymentStatus.DECLINED
    assert state.failure is not None
    assert code in state.failure
    [event] = published.of(PaymentFailed)
    assert (event.operation, event.reason, event.declined) == ("authorize", code, True)


async def test_a_repeated_authorization_returns_the_payment_and_calls_nobody(
    payments: PaymentsApp, published: Published
) -> None:
    first = await payments.authorize()
    again = await payments.authorize(token="tok_decline")

    assert again == first
    assert len(published.of(PaymentAuthorized)) == 1
    assert payments.simulator.ledger()["EUR"]["authorized"]["count"] == 1


async def test_concurrent_authorizations_of_one_order_charge_once(payments: PaymentsApp) -> None:
    states = await asyncio.gather(*(payments.authorize() for _ in range(5)))

    assert len({s.payment_id for s in states}) == 1
    assert payments.simulator.ledger()["EUR"]["authorized"]["count"] == 1


async def test_bad_amount_or_token_is_refused_and_stores_nothing(payments: PaymentsApp) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await payments.authorize(amount=Money(0, "EUR"), token="")
    assert {e.field for e in refused.value.errors} == {"amount", "payment_token"}
    assert await payments.desk.state("order-1") is None


async def test_an_unanswered_authorization_stays_in_flight_for_the_worker(payments: PaymentsApp) -> None:
    state = await payments.authorize(token="tok_unavailable")

    assert state.status is PaymentStatus.AUTHORIZING
    stored = await payments.stored()
    assert stored.attempts == 1
    assert stored.next_attempt_at == payments.clock.now() + payments.calls.policy.delay(1)
    assert stored.last_error is not None
    assert "503" in stored.last_error


async def test_an_unknown_token_fails_for_good_without_retries(payments: PaymentsApp, published: Published) -> None:
    state = await payments.authorize(token="tok_stolen")

    assert state.status is PaymentStatus.FAILED
    [event] = published.of(PaymentFailed)
    assert (event.declined, event.operation) == (False, "authorize")
    assert "invalid_token" in event.reason


async def test_capture_then_refund_moves_the_money_once(payments: PaymentsApp, published: Published) -> None:
    await payments.authorize()

    captured = await payments.desk.capture("order-1")
    assert (captured.status, captured.captured) == (PaymentStatus.CAPTURED, EUR_42)
    assert await payments.desk.capture("order-1") == captured
    refunded = await payments.desk.refund("order-1")
    assert refunded is not None
    assert (refunded.status, refunded.refunded) == (PaymentStatus.REFUNDED, EUR_42)
    assert await payments.desk.refund("order-1") == refunded

    assert len(published.of(PaymentCaptured)) == len(published.of(PaymentRefunded)) == 1
    ledger = payments.simulator.ledger()["EUR"]
    assert (ledger["captured"]["amount"], ledger["refunded"]["amount"]) == (4200, 4200)


async def test_void_lets_an_authorization_go_and_a_refund_of_one_voids_it(
    payments: PaymentsApp, published: Published
) -> None:
    await payments.authorize("order-1")
    await payments.authorize("order-2")

    voided = await payments.desk.void("order-1")
    refunded = await payments.desk.refund("order-2")

    assert voided is not None
    assert refunded is not None
    assert voided.status is refunded.status is PaymentStatus.VOIDED
    assert len(published.of(PaymentVoided)) == 2
    assert "captured" not in payments.simulator.ledger()["EUR"]


async def test_void_of_a_captured_payment_refunds_it(payments: PaymentsApp) -> None:
    await payments.authorize()
    await payments.desk.capture("order-1")

    state = await payments.desk.void("order-1")

    assert state is not None
    assert state.status is PaymentStatus.REFUNDED


async def test_what_cannot_be_done_is_said(payments: PaymentsApp) -> None:
    assert await payments.desk.void("no-order") is None
    assert await payments.desk.refund("no-order") is None
    with pytest.raises(NotFound):
        await payments.desk.capture("no-order")
    await payments.authorize(token="tok_decline")
    with pytest.raises(Conflict):
        await payments.desk.capture("order-1")
    declined = await payments.desk.void("order-1")
    assert declined is not None
    assert declined.status is PaymentStatus.DECLINED


async def test_nothing_is_voided_or_captured_while_the_authorization_is_unknown(payments: PaymentsApp) -> None:
    await payments.authorize(token="tok_unavailable")

    for step in (payments.desk.capture, payments.desk.void, payments.desk.refund):
        with pytest.raises(Unavailable):
            await step("order-1")


async def test_customer_and_amounts_are_kept(payments: PaymentsApp) -> None:
    await payments.authorize()
    stored = await payments.stored()
    assert (stored.customer_id, stored.amount, stored.payment_token) == (ANN.user_id, EUR_42, "tok_visa")
