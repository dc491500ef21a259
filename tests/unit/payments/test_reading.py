"""What people read: a customer their order's payment, an admin the list of payments."""

from __future__ import annotations

import pytest

from core.payments import use_cases as uc
from core.payments.commands import GetOrderPayment, ListPayments
from core.shared.errors import NotFound, PermissionDenied
from core.shared.pagination import PageRequest
from ports.checkout import PaymentStatus

from .conftest import ADMIN, ANN, BOB, PaymentsApp


async def test_a_customer_reads_their_own_payment_and_no_one_elses(payments: PaymentsApp) -> None:
    await payments.authorize(token="tok_decline")
    show = uc.ShowOrderPayment(payments.uow)

    view = await show(GetOrderPayment(ANN, "order-1"))

    assert (view.status, view.order_id) == (PaymentStatus.DECLINED, "order-1")
    assert [h.status for h in view.history] == [PaymentStatus.AUTHORIZING, PaymentStatus.DECLINED]
    assert "tok_" not in repr(view)
    for who, order in ((BOB, "order-1"), (ANN, "order-2")):
        with pytest.raises(NotFound):
            await show(GetOrderPayment(who, order))


async def test_an_admin_pages_through_payments_newest_first(payments: PaymentsApp) -> None:
    for n in range(5):
        await payments.authorize(f"order-{n}", token="tok_unavailable" if n % 2 else "tok_visa")
        payments.clock.advance(1)
    listing = uc.ListAllPayments(payments.uow)

    first = await listing(ListPayments(ADMIN, None, PageRequest(3)))
    second = await listing(ListPayments(ADMIN, None, PageRequest(3, first.next_cursor)))
    retried = await listing(ListPayments(ADMIN, PaymentStatus.AUTHORIZING))

    assert [p.order_id for p in [*first.items, *second.items]] == [f"order-{n}" for n in (4, 3, 2, 1, 0)]
    assert second.next_cursor is None
    assert [p.order_id for p in retried.items] == ["order-3", "order-1"]
    assert all(p.attempts == 1 for p in retried.items)
    with pytest.raises(PermissionDenied):
        await listing(ListPayments(ANN))
