"""In-memory adapters of the moderation ports."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.moderation.model import Case, CaseStatus, Fingerprint
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.moderation import CaseRepository, FingerprintRepository
from ports.shared import EventPublisher


class ModerationTables:
    def __init__(self) -> None:
        self.cases = MemoryTable("moderation_cases")
        self.fingerprints = MemoryTable("moderation_fingerprints")


class MemoryCaseRepository:
    def __init__(self, tables: ModerationTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.cases, tx, seen

    def _track(self, case: Case | None) -> Case | None:
        if case is not None:
            self.seen.add(case)
        return case

    def _same_revision(self, case: Case) -> bool:
        s = case.subject
        return any(
            (c.subject.type, c.subject.id, c.subject.revision) == (s.type, s.id, s.revision) and c.id != case.id
            for c in self.table.rows.values()
        )

    async def add(self, case: Case) -> None:
        def unique() -> None:
            if case.id in self.table.rows or self._same_revision(case):
                raise Conflict("this revision already has a moderation case")

        unique()
        self.tx.check_at_commit(unique)
        self.tx.put(self.table, case.id, case)
        self.seen.add(case)

    async def get(self, case_id: str) -> Case | None:
        return self._track(self.tx.get(self.table, case_id))

    async def for_subject(self, subject_type: str, subject_id: str) -> list[Case]:
        found = list(
            self.tx.scan(self.table, where=lambda c: (c.subject.type, c.subject.id) == (subject_type, subject_id))
        )
        found.sort(key=lambda c: c.subject.revision)
        for case in found:
            self.seen.add(case)
        return found

    async def update(self, case: Case) -> None:
        self.tx.put_versioned(self.table, case.id, case, "case")
        self.seen.add(case)

    async def list(self, status: CaseStatus, page: PageRequest, subject_type: str | None = None) -> Page[Case]:
        after = moment_after(page)
        rows = list(
            self.tx.scan(
                self.table,
                where=lambda c: c.status is status and (subject_type is None or c.subject.type == subject_type),
            )
        )
        if status is CaseStatus.OPEN:
            rows = [c for c in rows if after is None or (c.opened_at, c.id) > after]
            rows.sort(key=lambda c: (c.opened_at, c.id))
            return page_of(rows[: page.limit + 1], page, lambda c: [c.opened_at.isoformat(), c.id])
        rows = [c for c in rows if after is None or (c.updated_at, c.id) < after]
        rows.sort(key=lambda c: (c.updated_at, c.id), reverse=True)
        return page_of(rows[: page.limit + 1], page, lambda c: [c.updated_at.isoformat(), c.id])

    async def opened_since(self, subject_type: str, owner_id: str, since: datetime) -> int:
        def counted(c: Case) -> bool:
            return (c.subject.type, c.subject.owner_id) == (subject_type, owner_id) and c.opened_at >= since

        return sum(1 for _ in self.tx.scan(self.table, where=counted))


class MemoryFingerprintRepository:
    def __init__(self, tables: ModerationTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.fingerprints, tx

    async def put(self, fingerprint: Fingerprint) -> None:
        self.tx.put(self.table, f"{fingerprint.subject_type}:{fingerprint.subject_id}", fingerprint)

    async def similar(self, fingerprint: Fingerprint) -> list[Fingerprint]:
        f = fingerprint

        def alike(other: Fingerprint) -> bool:
            same_listing = (other.owner_id, other.title_key, other.brand_key) == (f.owner_id, f.title_key, f.brand_key)
            same_description = f.description_key is not None and other.description_key == f.description_key
            return other.subject_type == f.subject_type and (same_listing or same_description)

        found = [other for other in self.tx.scan(self.table) if alike(other)]
        return sorted(found, key=lambda other: other.subject_id)


class MemoryModerationUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    cases: CaseRepository
    fingerprints: FingerprintRepository

    def __init__(self, tables: ModerationTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.cases = MemoryCaseRepository(self.tables, self.tx, self.seen)
        self.fingerprints = MemoryFingerprintRepository(self.tables, self.tx)
