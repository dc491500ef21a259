"""What the moderation context needs from the outside world."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.moderation.model import Case, CaseStatus, Fingerprint


class CaseRepository(Protocol):
    async def add(self, case: Case) -> None:
        """Store a new case; raise ``Conflict`` if the same revision of the subject already has one."""
        ...

    async def get(self, case_id: str) -> Case | None: ...

    async def for_subject(self, subject_type: str, subject_id: str) -> list[Case]:
        """Every case of the subject, oldest revision first."""
        ...

    async def update(self, case: Case) -> None:
        """Store the change and bump ``case.version``; raise ``Conflict`` (at the latest at commit) when
        another unit of work changed the case since this one read it."""
        ...

    async def list(self, status: CaseStatus, page: PageRequest, subject_type: str | None = None) -> Page[Case]:
        """Open cases oldest first (the queue); decided and superseded ones most recently closed first.
        With ``subject_type``, only the cases of subjects of that type."""
        ...

    async def opened_since(self, subject_type: str, owner_id: str, since: datetime) -> int:
        """How many cases of that subject type were opened for ``owner_id`` at ``since`` or later,
        whatever became of them."""
        ...


class FingerprintRepository(Protocol):
    """The fingerprints of approved subjects, for the duplicate rule."""

    async def put(self, fingerprint: Fingerprint) -> None:
        """Keep ``fingerprint`` as its subject's (replacing an earlier revision's)."""
        ...

    async def similar(self, fingerprint: Fingerprint) -> list[Fingerprint]:
        """Fingerprints of the same subject type with the owner, title and brand of ``fingerprint``, or
        with its description (any owner, when it has a description key); by subject id."""
        ...


class ModerationUnitOfWork(UnitOfWork, Protocol):
    cases: CaseRepository
    fingerprints: FingerprintRepository
