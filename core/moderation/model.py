"""Moderation cases: one per submitted revision of a subject (a product or a review).

A case opens with what the rules found. Findings that reject decide it at once, findings that need a
person leave it open in the queue, no findings approve it. A moderator decides an open case; a newer
revision of the same subject supersedes it, and the author deleting the subject withdraws it. Every
decision is a ``ModerationDecided`` event, which the subject's own context applies to the revision it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

import attrs

from core.moderation.events import CaseOpened, ModerationDecided
from core.moderation.text import description_key, phrase
from core.shared.errors import Conflict
from core.shared.events import Aggregate
from core.shared.money import Money

RULES = "rules"  # ``decided_by`` of a decision the rules took alone
SYSTEM = "system"  # who closes a case that a newer revision replaced


class SubjectType(StrEnum):
    """What can be moderated; each type has its own rules."""

    PRODUCT = "product"
    REVIEW = "review"


class CaseStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    SUPERSEDED = "superseded"


class Severity(StrEnum):
    REVIEW = "review"  # a person must look before it is published
    REJECT = "reject"  # refused outright, with the finding's reason


@attrs.frozen
class Finding:
    """What one rule found: shown to the moderator; a rejecting one's reason is shown to the seller."""

    rule: str
    severity: Severity
    reason: str


@attrs.frozen
class SubmittedAttribute:
    """A typed attribute as submitted: ``kind`` is text, number or boolean."""

    name: str
    kind: str
    value: str


@attrs.frozen
class SubmittedContent:
    """A snapshot of what was submitted: the case keeps it as it was, whatever the subject becomes."""

    title: str
    description: str
    brand: str = ""
    category_id: str = ""
    sku: str = ""
    attributes: tuple[SubmittedAttribute, ...] = ()
    price: Money | None = None
    image_count: int = 0
    rating: int | None = None  # a review's stars; None for a product


@attrs.frozen
class Subject:
    """Which revision of what, submitted by whom (a product's seller, a review's author)."""

    type: str
    id: str
    revision: int
    owner_id: str


@attrs.frozen
class ModerationDecision:
    approved: bool
    reasons: tuple[str, ...]
    decided_by: str  # "rules" or the moderator's user id
    decided_at: datetime


@attrs.frozen
class CaseEntry:
    at: datetime
    action: str  # opened, approved, rejected, superseded, withdrawn
    by: str
    reasons: tuple[str, ...] = ()


@attrs.frozen
class Fingerprint:
    """What the duplicate rule compares of an approved subject; kept per subject, latest approval wins."""

    subject_type: str
    subject_id: str
    owner_id: str
    revision: int
    title_key: str
    brand_key: str
    description_key: str | None

    @classmethod
    def of(cls, subject: Subject, content: SubmittedContent) -> Fingerprint:
        return cls(
            subject_type=subject.type,
            subject_id=subject.id,
            owner_id=subject.owner_id,
            revision=subject.revision,
            title_key=phrase(content.title),
            brand_key=phrase(content.brand),
            description_key=description_key(content.description),
        )


def _unique(reasons: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(reasons))


@attrs.define
class Case(Aggregate):
    id: str
    subject: Subject
    content: SubmittedContent
    findings: tuple[Finding, ...]
    status: CaseStatus
    opened_at: datetime
    updated_at: datetime
    decision: ModerationDecision | None = None
    history: list[CaseEntry] = attrs.Factory(list)
    # Bumped by the repository on every stored change: a stale copy cannot overwrite a newer one.
    version: int = 1

    @classmethod
    def open(
        cls, *, case_id: str, subject: Subject, content: SubmittedContent, findings: Sequence[Finding], now: datetime
    ) -> Case:
        """Open the case and act on the findings: reject, wait for a person, or approve."""
        case = cls(case_id, subject, content, tuple(findings), CaseStatus.OPEN, now, now)
        case.history.append(CaseEntry(now, "opened", RULES))
        rejections = [f.reason for f in findings if f.severity is Severity.REJECT]
        needs_human = not rejections and any(f.severity is Severity.REVIEW for f in findings)
        case.record(
            CaseOpened(
                occurred_at=now,
                case_id=case_id,
                subject_type=subject.type,
                subject_id=subject.id,
                revision=subject.revision,
                needs_human=needs_human,
            )
        )
        if rejections:
            case.decide(approved=False, reasons=rejections, by=RULES, now=now)
        elif not needs_human:
            case.decide(approved=True, reasons=(), by=RULES, now=now)
        return case

    @property
    def approved(self) -> bool:
        return self.decision is not None and self.decision.approved

    def _require_open(self) -> None:
        if self.status is not CaseStatus.OPEN:
            raise Conflict(f"this case is {self.status.value}: only an open case can be decided")

    def decide(self, *, approved: bool, reasons: Sequence[str], by: str, now: datetime) -> None:
        self._require_open()
        kept = _unique(reasons)
        self.decision = ModerationDecision(approved, kept, by, now)
        self.status = CaseStatus.DECIDED
        self.updated_at = now
        self.history.append(CaseEntry(now, "approved" if approved else "rejected", by, kept))
        self.record(
            ModerationDecided(
                occurred_at=now,
                case_id=self.id,
                subject_type=self.subject.type,
                subject_id=self.subject.id,
                revision=self.subject.revision,
                approved=approved,
                reasons=list(kept),
                decided_by=by,
            )
        )

    def supersede(self, revision: int, now: datetime) -> None:
        """A newer revision replaces this one's content: the case closes undecided, and nothing is published."""
        self._require_open()
        self.status = CaseStatus.SUPERSEDED
        self.updated_at = now
        self.history.append(CaseEntry(now, "superseded", SYSTEM, (f"revision {revision} was submitted",)))

    def withdraw(self, now: datetime) -> None:
        """The author deleted the subject: the case closes undecided, and nothing is published."""
        self._require_open()
        self.status = CaseStatus.SUPERSEDED
        self.updated_at = now
        reason = f"the author deleted the {self.subject.type}"
        self.history.append(CaseEntry(now, "withdrawn", SYSTEM, (reason,)))
