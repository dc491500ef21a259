"""Cases and fingerprints in the ``moderation`` schema; behave exactly as ``adapters.memory.moderation``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import cattrs

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.versioned import VersionedRows
from adapters.tracking import SeenAggregates
from core.moderation.model import (
    Case,
    CaseEntry,
    CaseStatus,
    Finding,
    Fingerprint,
    ModerationDecision,
    Subject,
    SubmittedContent,
)
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.moderation import CaseRepository, FingerprintRepository

_SELECT = """
SELECT id, subject_type, subject_id, revision, owner_id, content, findings, history, status, approved, reasons,
       decided_by, decided_at, opened_at, updated_at, version
FROM moderation.cases
"""
_INSERT = """
INSERT INTO moderation.cases (id, subject_type, subject_id, revision, owner_id, content, findings, history, status,
                              approved, reasons, decided_by, decided_at, opened_at, updated_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT DO NOTHING
RETURNING true
"""
_ROWS = VersionedRows(
    "moderation.cases",
    "case",
    (
        "subject_type",
        "subject_id",
        "revision",
        "owner_id",
        "content",
        "findings",
        "history",
        "status",
        "approved",
        "reasons",
        "decided_by",
        "decided_at",
        "opened_at",
        "updated_at",
    ),
)
_OPENED_SINCE = """
SELECT count(*) FROM moderation.cases WHERE subject_type = $1 AND owner_id = $2 AND opened_at >= $3
"""

_PUT_FINGERPRINT = """
INSERT INTO moderation.fingerprints
    (subject_type, subject_id, owner_id, revision, title_key, brand_key, description_key)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (subject_type, subject_id) DO UPDATE
SET owner_id = EXCLUDED.owner_id, revision = EXCLUDED.revision, title_key = EXCLUDED.title_key,
    brand_key = EXCLUDED.brand_key, description_key = EXCLUDED.description_key
"""
_SIMILAR = """
SELECT subject_type, subject_id, owner_id, revision, title_key, brand_key, description_key
FROM moderation.fingerprints
WHERE subject_type = $1
  AND ((owner_id = $2 AND title_key = $3 AND brand_key = $4) OR description_key = $5)
ORDER BY subject_id
"""

# The value objects kept as jsonb: SubmittedContent (with its Money), Findings, the history.
_json = cattrs.Converter()
_json.register_unstructure_hook(datetime, lambda d: d.isoformat())
_json.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))


def _case(row: Any) -> Case:
    decision = None
    if row["decided_by"] is not None:
        decision = ModerationDecision(row["approved"], tuple(row["reasons"]), row["decided_by"], row["decided_at"])
    return Case(
        id=row["id"],
        subject=Subject(row["subject_type"], row["subject_id"], row["revision"], row["owner_id"]),
        content=_json.structure(row["content"], SubmittedContent),
        findings=_json.structure(row["findings"], tuple[Finding, ...]),
        status=CaseStatus(row["status"]),
        opened_at=row["opened_at"],
        updated_at=row["updated_at"],
        decision=decision,
        history=_json.structure(row["history"], list[CaseEntry]),
        version=row["version"],
    )


def _row(case: Case) -> dict[str, Any]:
    """The case as its row's columns, in the table's order."""
    s, d = case.subject, case.decision
    return {
        "id": case.id,
        "subject_type": s.type,
        "subject_id": s.id,
        "revision": s.revision,
        "owner_id": s.owner_id,
        "content": _json.unstructure(case.content),
        "findings": _json.unstructure(case.findings, tuple[Finding, ...]),
        "history": _json.unstructure(case.history, list[CaseEntry]),
        "status": case.status.value,
        "approved": None if d is None else d.approved,
        "reasons": [] if d is None else list(d.reasons),
        "decided_by": None if d is None else d.decided_by,
        "decided_at": None if d is None else d.decided_at,
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
        "version": case.version,
    }


class PostgresCaseRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Case | None:
        if row is None:
            return None
        case = _case(row)
        self.seen.add(case)
        return case

    async def add(self, case: Case) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        inserted = await self.conn.fetchval(_INSERT, *_row(case).values())
        if not inserted:
            raise Conflict("this revision already has a moderation case")
        self.seen.add(case)

    async def get(self, case_id: str) -> Case | None:
        return self._track(await self.conn.fetchrow(_SELECT + " WHERE id = $1", case_id))

    async def for_subject(self, subject_type: str, subject_id: str) -> list[Case]:
        query = _SELECT + " WHERE subject_type = $1 AND subject_id = $2 ORDER BY revision"
        rows = await self.conn.fetch(query, subject_type, subject_id)
        return [c for c in map(self._track, rows) if c is not None]

    async def update(self, case: Case) -> None:
        case.version = await _ROWS.save(self.conn, _row(case), case.version)
        self.seen.add(case)

    async def list(self, status: CaseStatus, page: PageRequest, subject_type: str | None = None) -> Page[Case]:
        after = moment_after(page)
        args: list[Any] = []

        def arg(value: Any) -> str:
            args.append(value)
            return f"${len(args)}"

        if status is CaseStatus.OPEN:
            # The literal lets the planner use the queue's partial index whatever plan it caches.
            where, key, order = ["status = 'open'"], "opened_at", "opened_at, id"
            if after is not None:
                where.append(f"(opened_at, id) > ({arg(after[0])}, {arg(after[1])})")
        else:
            where, key, order = [f"status = {arg(status.value)}"], "updated_at", "updated_at DESC, id DESC"
            if after is not None:
                where.append(f"(updated_at, id) < ({arg(after[0])}, {arg(after[1])})")
        if subject_type is not None:
            where.append(f"subject_type = {arg(subject_type)}")
        query = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT {arg(page.limit + 1)}"
        rows = await self.conn.fetch(query, *args)
        cases = [c for c in map(self._track, rows) if c is not None]
        return page_of(cases, page, lambda c: [getattr(c, key).isoformat(), c.id])

    async def opened_since(self, subject_type: str, owner_id: str, since: datetime) -> int:
        count: int = await self.conn.fetchval(_OPENED_SINCE, subject_type, owner_id, since)
        return count


def _fingerprint(row: Any) -> Fingerprint:
    return Fingerprint(
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        owner_id=row["owner_id"],
        revision=row["revision"],
        title_key=row["title_key"],
        brand_key=row["brand_key"],
        description_key=row["description_key"],
    )


class PostgresFingerprintRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def put(self, fingerprint: Fingerprint) -> None:
        f = fingerprint
        await self.conn.execute(
            _PUT_FINGERPRINT,
            f.subject_type,
            f.subject_id,
            f.owner_id,
            f.revision,
            f.title_key,
            f.brand_key,
            f.description_key,
        )

    async def similar(self, fingerprint: Fingerprint) -> list[Fingerprint]:
        f = fingerprint
        rows = await self.conn.fetch(_SIMILAR, f.subject_type, f.owner_id, f.title_key, f.brand_key, f.description_key)
        return [_fingerprint(r) for r in rows]


class PostgresModerationUnitOfWork(PostgresUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``ModerationUnitOfWork`` (mutable protocol members).
    cases: CaseRepository
    fingerprints: FingerprintRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.cases = PostgresCaseRepository(conn, self.seen)
        self.fingerprints = PostgresFingerprintRepository(conn)
