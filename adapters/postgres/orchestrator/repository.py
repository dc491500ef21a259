"""Sagas in the ``orchestrator`` schema; behave exactly as ``adapters.memory.orchestrator``."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import asyncpg
import cattrs

from adapters.postgres.pool import unavailable_on_failure
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.versioned import VersionedRows
from adapters.tracking import SeenAggregates
from core.orchestrator.model import LogEntry, Saga, SagaKind, SagaLine, SagaStatus, Step, list_position
from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.orchestrator import SagaRepository, SagaTally

_SELECT = """
SELECT id, kind, order_id, customer_id, status, step, seq, state, log, created_at, updated_at, version
FROM orchestrator.sagas
"""
_INSERT = """
INSERT INTO orchestrator.sagas (id, kind, order_id, customer_id, status, step, seq, state, log, created_at,
                                updated_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT DO NOTHING
RETURNING true
"""
_ROWS = VersionedRows(
    "orchestrator.sagas",
    "saga",
    (
        "kind",
        "order_id",
        "customer_id",
        "status",
        "step",
        "seq",
        "state",
        "log",
        "created_at",
        "updated_at",
    ),
)
# SKIP LOCKED: a saga another sweeper is claiming right now is left to it, not waited for.
_CLAIM = """
UPDATE orchestrator.sagas s SET updated_at = $2, version = s.version + 1
FROM (SELECT id FROM orchestrator.sagas
      WHERE status = 'running' AND updated_at < $1
      ORDER BY updated_at, id LIMIT $3
      FOR UPDATE SKIP LOCKED) claimed
WHERE s.id = claimed.id
RETURNING s.id, s.kind, s.order_id, s.customer_id, s.status, s.step, s.seq, s.state, s.log, s.created_at,
          s.updated_at, s.version
"""
_ORDER = " ORDER BY created_at, id LIMIT "
# One fixed statement per case, keyed by (a kind is given, a status is given, a cursor is given).
_LIST = {
    (False, False, False): _SELECT + _ORDER + "$1",
    (True, False, False): _SELECT + " WHERE kind = $1" + _ORDER + "$2",
    (False, True, False): _SELECT + " WHERE status = $1" + _ORDER + "$2",
    (True, True, False): _SELECT + " WHERE kind = $1 AND status = $2" + _ORDER + "$3",
    (False, False, True): _SELECT + " WHERE (created_at, id) > ($1, $2)" + _ORDER + "$3",
    (True, False, True): _SELECT + " WHERE kind = $1 AND (created_at, id) > ($2, $3)" + _ORDER + "$4",
    (False, True, True): _SELECT + " WHERE status = $1 AND (created_at, id) > ($2, $3)" + _ORDER + "$4",
    (True, True, True): _SELECT + " WHERE kind = $1 AND status = $2 AND (created_at, id) > ($3, $4)" + _ORDER + "$5",
}

# Monitoring's census: the ended sagas by kind and status, the running ones by step too, with when the one
# there longest came to its step (a move is logged under the step it left: Saga.at_step_since).
_TALLY = """
SELECT kind, status, 'done' AS step, count(*) AS sagas, NULL::timestamptz AS oldest
FROM orchestrator.sagas WHERE status <> 'running' GROUP BY kind, status
UNION ALL
SELECT kind, status, step, count(*) AS sagas,
       min(coalesce((SELECT max((e->>'at')::timestamptz) FROM jsonb_array_elements(log) e
                     WHERE e->>'name' <> step), created_at)) AS oldest
FROM orchestrator.sagas WHERE status = 'running' GROUP BY kind, status, step
ORDER BY kind, status, step
"""

_state = cattrs.Converter()
_state.register_unstructure_hook(datetime, lambda d: d.isoformat())
_state.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))


def _saga(row: Any) -> Saga:
    state = row["state"]
    return Saga(
        id=row["id"],
        kind=SagaKind(row["kind"]),
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        amount=_state.structure(state["amount"], Money),
        status=SagaStatus(row["status"]),
        step=Step(row["step"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        lines=_state.structure(state["lines"], list[SagaLine]),
        address=None if state["address"] is None else _state.structure(state["address"], PostalAddress),
        payment_token=state["payment_token"],
        reason=state["reason"],
        shipment_requested=state["shipment_requested"],
        delivered_seen=state["delivered_seen"],
        lost_seen=state["lost_seen"],
        seq=row["seq"],
        log=_state.structure(row["log"], list[LogEntry]),
        version=row["version"],
    )


def _row(saga: Saga) -> dict[str, Any]:
    """The saga as its row's columns, in the table's order."""
    state = {
        "amount": _state.unstructure(saga.amount),
        "lines": _state.unstructure(saga.lines),
        "address": _state.unstructure(saga.address),
        "payment_token": saga.payment_token,
        "reason": saga.reason,
        "shipment_requested": saga.shipment_requested,
        "delivered_seen": saga.delivered_seen,
        "lost_seen": saga.lost_seen,
    }
    return {
        "id": saga.id,
        "kind": saga.kind.value,
        "order_id": saga.order_id,
        "customer_id": saga.customer_id,
        "status": saga.status.value,
        "step": saga.step.value,
        "seq": saga.seq,
        "state": state,
        "log": _state.unstructure(saga.log),
        "created_at": saga.created_at,
        "updated_at": saga.updated_at,
        "version": saga.version,
    }


class PostgresSagaRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Saga:
        saga = _saga(row)
        self.seen.add(saga)
        return saga

    async def add(self, saga: Saga) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        if not await self.conn.fetchval(_INSERT, *_row(saga).values()):
            raise Conflict(f"saga {saga.id} exists already")
        self.seen.add(saga)

    async def get(self, saga_id: str) -> Saga | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE id = $1", saga_id)
        return None if row is None else self._track(row)

    async def update(self, saga: Saga) -> None:
        saga.version = await _ROWS.save(self.conn, _row(saga), saga.version)
        self.seen.add(saga)

    async def list(self, kind: SagaKind | None, status: SagaStatus | None, page: PageRequest) -> Page[Saga]:
        start = moment_after(page)
        args: list[Any] = [f.value for f in (kind, status) if f is not None]
        if start is not None:
            args.extend(start)
        statement = _LIST[(kind is not None, status is not None, start is not None)]
        rows = await self.conn.fetch(statement, *args, page.limit + 1)
        return page_of([self._track(r) for r in rows], page, list_position)

    async def claim_stalled(self, untouched_since: datetime, now: datetime, limit: int) -> builtins.list[Saga]:
        rows = await self.conn.fetch(_CLAIM, untouched_since, now, limit)
        sagas = [self._track(r) for r in rows]
        sagas.sort(key=lambda s: (s.updated_at, s.id))
        return sagas


class PostgresOrchestratorUnitOfWork(PostgresUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``OrchestratorUnitOfWork``.
    sagas: SagaRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.sagas = PostgresSagaRepository(conn, self.seen)


class PostgresSagaCensus:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def tally(self) -> builtins.list[SagaTally]:
        with unavailable_on_failure("the sagas are unavailable"):
            rows = await self.pool.fetch(_TALLY)
        return [SagaTally(r["kind"], r["status"], r["step"], r["sagas"], r["oldest"]) for r in rows]
