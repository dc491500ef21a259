"""In-memory adapters of the orchestrator ports."""

from __future__ import annotations

import builtins
from datetime import datetime

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.orchestrator.model import Saga, SagaKind, SagaStatus, list_position
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.orchestrator import SagaRepository, SagaTally
from ports.shared import EventPublisher


class SagaTables:
    def __init__(self) -> None:
        self.sagas = MemoryTable("sagas")


class MemorySagaRepository:
    def __init__(self, tables: SagaTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.sagas, tx, seen

    async def add(self, saga: Saga) -> None:
        def unique() -> None:
            if saga.id in self.table.rows:
                raise Conflict(f"saga {saga.id} exists already")

        if self.tx.get(self.table, saga.id) is not None:
            raise Conflict(f"saga {saga.id} exists already")
        self.tx.check_at_commit(unique)
        self.tx.put(self.table, saga.id, saga)
        self.seen.add(saga)

    async def get(self, saga_id: str) -> Saga | None:
        saga: Saga | None = self.tx.get(self.table, saga_id)
        if saga is not None:
            self.seen.add(saga)
        return saga

    async def update(self, saga: Saga) -> None:
        self.tx.put_versioned(self.table, saga.id, saga, "saga")
        self.seen.add(saga)

    async def list(self, kind: SagaKind | None, status: SagaStatus | None, page: PageRequest) -> Page[Saga]:
        start = moment_after(page)
        rows = [
            s
            for s in self.tx.scan(self.table)
            if (kind is None or s.kind is kind)
            and (status is None or s.status is status)
            and (start is None or (s.created_at, s.id) > start)
        ]
        rows.sort(key=lambda s: (s.created_at, s.id))
        for saga in rows:
            self.seen.add(saga)
        return page_of(rows[: page.limit + 1], page, list_position)

    async def claim_stalled(self, untouched_since: datetime, now: datetime, limit: int) -> builtins.list[Saga]:
        stalled = [
            s for s in self.tx.scan(self.table) if s.status is SagaStatus.RUNNING and s.updated_at < untouched_since
        ]
        stalled.sort(key=lambda s: (s.updated_at, s.id))
        claimed = stalled[:limit]
        for saga in claimed:
            saga.touch(now)
            await self.update(saga)  # a claim of another sweeper meanwhile makes this commit conflict
        return claimed


class MemorySagaCensus:
    def __init__(self, tables: SagaTables) -> None:
        self.tables = tables

    async def tally(self) -> builtins.list[SagaTally]:
        tallies: dict[tuple[str, str, str], tuple[int, datetime | None]] = {}
        for saga in list(self.tables.sagas.rows.values()):
            key = (saga.kind.value, saga.status.value, saga.step.value)
            count, oldest = tallies.get(key, (0, None))
            if saga.status is SagaStatus.RUNNING:
                since = saga.at_step_since
                oldest = since if oldest is None else min(oldest, since)
            tallies[key] = (count + 1, oldest)
        return [SagaTally(*key, count, oldest) for key, (count, oldest) in sorted(tallies.items())]


class MemoryOrchestratorUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``OrchestratorUnitOfWork``.
    sagas: SagaRepository

    def __init__(self, tables: SagaTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.sagas = MemorySagaRepository(self.tables, self.tx, self.seen)
