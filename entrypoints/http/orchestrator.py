"""Orchestrator routes: the admin's view of the sagas (where each is, and what it did)."""

from __future__ import annotations

import attrs

from core.orchestrator import commands as c
from core.orchestrator import use_cases as uc
from core.orchestrator.model import SagaKind, SagaStatus
from core.shared.pagination import MAX_LIMIT, PageRequest
from entrypoints.http.routing import ADMIN, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "orchestrator"


@attrs.frozen
class SagasQuery:
    kind: SagaKind | None = None
    status: SagaStatus | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class SagaPage:
    items: list[c.SagaSummary]
    next_cursor: str | None


async def list_sagas(call: Call[None, SagasQuery]) -> SagaPage:
    q = call.query
    command = c.ListSagas(call.user, q.kind, q.status, PageRequest(q.limit, q.cursor))
    page = await call.resolve(uc.ListAllSagas)(command)
    return SagaPage(list(page.items), page.next_cursor)


async def get_saga(call: Call[None, None]) -> c.SagaView:
    return await call.resolve(uc.ShowSaga)(c.GetSaga(call.user, call.path("saga_id")))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/sagas",
        list_sagas,
        "List the checkout and refund sagas, oldest first",
        group=ADMIN,
        tag=TAG,
        query=SagasQuery,
        response=SagaPage,
        description="Filter by kind (checkout, refund) and status (running, completed, cancelled, "
        "lost_refunded, failed); a running saga's step says what it does or waits for.",
    ),
    Endpoint(
        "GET",
        "/sagas/{saga_id}",
        get_saga,
        "One saga: its step, status and the log of what it did",
        group=ADMIN,
        tag=TAG,
        response=c.SagaView,
        errors=(404,),
        description="A checkout saga's id is its order's id; a refund saga's is refund:<order id>.",
    ),
]
