"""What an admin sees of the sagas."""

from __future__ import annotations

import pytest

from core.orchestrator.commands import GetSaga, ListSagas
from core.orchestrator.model import SagaKind, SagaStatus, Step
from core.orchestrator.use_cases import ListAllSagas, ShowSaga
from core.shared.errors import NotFound, PermissionDenied
from core.shared.pagination import PageRequest
from core.shared.security import Principal, Role

from .conftest import ORDER, SagasApp

ADMIN = Principal("admin-1", frozenset({Role.ADMIN}))
CUSTOMER = Principal("customer-1", frozenset({Role.CUSTOMER}))


async def test_the_admin_lists_sagas_oldest_first_filtered_and_in_pages(sagas: SagasApp) -> None:
    for n in range(3):
        await sagas.place(f"order-{n}")
        sagas.clock.advance(1)
    await sagas.request_return()
    list_sagas = ListAllSagas(sagas.uow)
    first = await list_sagas(ListSagas(ADMIN, page=PageRequest(limit=2)))
    assert [s.saga_id for s in first.items] == ["order-0", "order-1"]
    rest = await list_sagas(ListSagas(ADMIN, page=PageRequest(limit=2, cursor=first.next_cursor)))
    assert [s.saga_id for s in rest.items] == ["order-2", "refund:" + ORDER]
    assert rest.next_cursor is None
    refunds = await list_sagas(ListSagas(ADMIN, kind=SagaKind.REFUND))
    assert [s.kind for s in refunds.items] == [SagaKind.REFUND]
    running = await list_sagas(ListSagas(ADMIN, kind=SagaKind.CHECKOUT, status=SagaStatus.RUNNING))
    assert {s.step for s in running.items} == {Step.AWAIT_SELLERS}


async def test_the_admin_reads_one_saga_with_its_log(sagas: SagasApp) -> None:
    await sagas.place()
    view = await ShowSaga(sagas.uow)(GetSaga(ADMIN, ORDER))
    assert (view.order_id, view.step, view.status) == (ORDER, Step.AWAIT_SELLERS, SagaStatus.RUNNING)
    assert [e.name for e in view.log][:2] == ["reserve_stock", "reserve_stock"]
    with pytest.raises(NotFound):
        await ShowSaga(sagas.uow)(GetSaga(ADMIN, "no-such-saga"))


async def test_only_an_admin_sees_sagas(sagas: SagasApp) -> None:
    await sagas.place()
    with pytest.raises(PermissionDenied):
        await ShowSaga(sagas.uow)(GetSaga(CUSTOMER, ORDER))
    with pytest.raises(PermissionDenied):
        await ListAllSagas(sagas.uow)(ListSagas(CUSTOMER))
