"""The payment error worker: reconcile by idempotency key, else call again; back off; give up at the limit."""

from __future__ import annotations

import asyncio

from core.payments.events import PaymentAuthorized, PaymentFailed
from ports.checkout import PaymentStatus

from ..harness import Published
from .conftest import POLICY, PaymentsApp


async def test_a_timed_out_authorization_is_reconciled_without_a_second_charge(payments: PaymentsApp) -> None:
    published = Published(payments.bus)
    state = await payments.authorize(token="tok_timeout")
    assert state.status is PaymentStatus.AUTHORIZING  # processed, but the answer never came

    assert await payments.retry() == 0  # not due yet
    payments.clock.advance(POLICY.base_seconds)
    assert await payments.retry() == 1

    stored = await payments.stored()
    assert stored.status is PaymentStatus.AUTHORIZED
    assert len(published.of(PaymentAuthorized)) == 1
    assert payments.simulator.ledger()["EUR"]["authorized"]["count"] == 1


async def test_a_call_never_processed_is_made_again_with_the_same_key(payments: PaymentsApp) -> None:
    await payments.authorize(token="tok_flaky")  # 503 now, 503 again, then processed
    payments.clock.advance(POLICY.base_seconds)
    await payments.retry()
    stored = await payments.stored()
    assert (stored.status, stored.attempts) == (PaymentStatus.AUTHORIZING, 2)
    assert stored.next_attempt_at == payments.clock.now() + POLICY.delay(2)

    payments.clock.advance(POLICY.delay(2).total_seconds())
    await payments.retry()

    stored = await payments.stored()
    assert stored.status is PaymentStatus.AUTHORIZED
    assert list(payments.simulator.outcomes) == [f"{stored.id}:authorize"]


async def test_backoff_doubles_and_the_operation_fails_for_good_at_the_limit(payments: PaymentsApp) -> None:
    published = Published(payments.bus)
    await payments.authorize(token="tok_unavailable")
    waits = []
    while (stored := await payments.stored()).status is PaymentStatus.AUTHORIZING:
        assert stored.next_attempt_at is not None
        wait = (stored.next_attempt_at - payments.clock.now()).total_seconds()
        waits.append(wait)
        payments.clock.advance(wait)
        await payments.retry()

    assert waits == [30.0, 60.0, 120.0]
    assert (stored.status, stored.attempts) == (PaymentStatus.FAILED, POLICY.limit)
    [failed] = published.of(PaymentFailed)
    assert (failed.operation, failed.declined) == ("authorize", False)
    assert await payments.retry() == 0


async def test_a_capture_failing_for_good_goes_back_to_authorized(payments: PaymentsApp) -> None:
    published = Published(payments.bus)
    await payments.authorize(token="tok_visa")
    stored = await payments.stored()
    payments.simulator.set_faults(failure_rate=1.0, timeout_rate=0.0)

    state = await payments.desk.capture("order-1")
    assert state.status is PaymentStatus.CAPTURING
    for _ in range(POLICY.limit):
        payments.clock.advance(POLICY.cap_seconds)
        await payments.retry()

    stored = await payments.stored()
    assert stored.status is PaymentStatus.AUTHORIZED
    assert stored.failure is not None
    assert "kept failing" in stored.failure
    [failed] = published.of(PaymentFailed)
    assert (failed.operation, failed.declined) == ("capture", False)


async def test_a_refund_is_retried_until_it_goes_through(payments: PaymentsApp) -> None:
    await payments.authorize()
    await payments.desk.capture("order-1")
    payments.simulator.set_faults(failure_rate=0.0, timeout_rate=1.0)  # processed, answered too late

    state = await payments.desk.refund("order-1")
    assert state is not None
    assert state.status is PaymentStatus.REFUNDING
    payments.simulator.set_faults(failure_rate=0.0, timeout_rate=0.0)
    payments.clock.advance(POLICY.base_seconds)
    await payments.retry()

    assert (await payments.stored()).status is PaymentStatus.REFUNDED
    assert payments.simulator.ledger()["EUR"]["refunded"] == {"amount": 4200, "count": 1}


async def test_two_workers_at_once_handle_each_payment_once(payments: PaymentsApp) -> None:
    for n in range(6):
        await payments.authorize(f"order-{n}", token="tok_timeout")
    payments.clock.advance(POLICY.base_seconds)

    first, second = await asyncio.gather(payments.retry(), payments.retry())

    assert first + second == 6
    for n in range(6):
        assert (await payments.stored(f"order-{n}")).status is PaymentStatus.AUTHORIZED
    assert payments.simulator.ledger()["EUR"]["authorized"]["count"] == 6


async def test_a_call_under_way_is_not_taken_over_before_its_lease_ends(payments: PaymentsApp) -> None:
    from core.payments.model import Payment
    from core.shared.money import Money

    now = payments.clock.now()
    async with payments.uow() as uow:  # as a desk that died between its two commits leaves it
        await uow.payments.add(
            Payment.start("p-1", "order-9", "c-1", Money(100, "EUR"), "tok_visa", now, POLICY.lease(now))
        )
        await uow.commit()

    assert await payments.retry() == 0
    payments.clock.advance(POLICY.lease_seconds)
    assert await payments.retry() == 1
    assert (await payments.stored("order-9")).status is PaymentStatus.AUTHORIZED
