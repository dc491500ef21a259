"""What the payment error worker tells monitoring of each retry: settled, failed again, or given up."""

from __future__ import annotations

from core.payments import use_cases as uc
from core.payments.commands import RetryDue
from tests.unit.payments.conftest import POLICY, PaymentsApp


class Heard(list[tuple[str, str]]):
    def append_pair(self, operation: str, outcome: str) -> None:
        self.append((operation, outcome))


async def retry_pass(payments: PaymentsApp, heard: Heard) -> int:
    payments.clock.advance(7200)  # past any backoff
    worker = uc.RetryPaymentOperations(payments.uow, payments.calls, payments.clock, POLICY, observe=heard.append_pair)
    return await worker(RetryDue(50))


async def test_a_flaky_gateway_is_retried_until_it_settles(payments: PaymentsApp) -> None:
    heard = Heard()
    await payments.authorize(token="tok_flaky")  # 503 for the first call and the next

    await retry_pass(payments, heard)
    await retry_pass(payments, heard)
    await retry_pass(payments, heard)

    assert heard == [("authorize", uc.FAILED_AGAIN), ("authorize", uc.SETTLED)]


async def test_a_gateway_that_never_answers_is_given_up_on_at_the_limit(payments: PaymentsApp) -> None:
    heard = Heard()
    await payments.authorize(token="tok_unavailable")  # the first attempt

    for _ in range(POLICY.limit):
        await retry_pass(payments, heard)

    assert heard == [("authorize", uc.FAILED_AGAIN)] * (POLICY.limit - 2) + [("authorize", uc.GAVE_UP)]
