"""What an administrator sees of the sagas."""

from __future__ import annotations

from core.orchestrator.commands import GetSaga, ListSagas, SagaLogEntry, SagaSummary, SagaView
from core.orchestrator.model import Saga
from core.shared.errors import NotFound
from core.shared.pagination import Page
from core.shared.security import Role
from ports.orchestrator import OrchestratorUnitOfWork
from ports.shared import UnitOfWorkFactory

SAGA_ID_MAX = 128


def saga_summary(saga: Saga) -> SagaSummary:
    return SagaSummary(
        saga_id=saga.id,
        kind=saga.kind,
        status=saga.status,
        step=saga.step,
        order_id=saga.order_id,
        created_at=saga.created_at,
        updated_at=saga.updated_at,
    )


def saga_view(saga: Saga) -> SagaView:
    return SagaView(
        saga_id=saga.id,
        kind=saga.kind,
        status=saga.status,
        step=saga.step,
        order_id=saga.order_id,
        customer_id=saga.customer_id,
        amount=saga.amount,
        reason=saga.reason,
        log=[SagaLogEntry(e.name, e.outcome, e.at) for e in saga.log],
        created_at=saga.created_at,
        updated_at=saga.updated_at,
    )


class ListAllSagas:
    """The admin's list, oldest first, of one kind or status or all."""

    def __init__(self, uow: UnitOfWorkFactory[OrchestratorUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListSagas) -> Page[SagaSummary]:
        command.principal.require(Role.ADMIN)
        async with self.uow() as uow:
            page = await uow.sagas.list(command.kind, command.status, command.page)
        return Page([saga_summary(s) for s in page.items], page.next_cursor)


class ShowSaga:
    def __init__(self, uow: UnitOfWorkFactory[OrchestratorUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: GetSaga) -> SagaView:
        command.principal.require(Role.ADMIN)
        saga = None
        if 0 < len(command.saga_id) <= SAGA_ID_MAX:
            async with self.uow() as uow:
                saga = await uow.sagas.get(command.saga_id)
        if saga is None:
            raise NotFound("no such saga")
        return saga_view(saga)
