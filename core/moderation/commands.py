"""Commands and results of the moderation use cases."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.moderation.model import CaseEntry, CaseStatus, Finding, ModerationDecision, Subject, SubmittedContent
from core.shared.pagination import PageRequest
from core.shared.security import Principal


@attrs.frozen
class OpenCase:
    """A revision of a subject asks to be published (from products.ProductSubmitted or
    reviews.ReviewSubmitted). ``reports``: how many customers reported a review's published text, when
    their reports sent it back to moderation (0 otherwise)."""

    subject: Subject
    content: SubmittedContent
    reports: int = 0


@attrs.frozen
class WithdrawCase:
    """The author deleted the subject (from reviews.ReviewDeleted): its open case of ``revision`` or an
    earlier one closes undecided."""

    subject_type: str
    subject_id: str
    revision: int


@attrs.frozen
class ListCases:
    principal: Principal
    status: CaseStatus = CaseStatus.OPEN
    page: PageRequest = attrs.Factory(PageRequest)
    subject_type: str | None = None  # only the cases of products, or of reviews; None: all


@attrs.frozen
class GetCase:
    principal: Principal
    case_id: str


@attrs.frozen
class Approve:
    principal: Principal
    case_id: str


@attrs.frozen
class Reject:
    principal: Principal
    case_id: str
    reasons: list[str]


@attrs.frozen
class CaseSummary:
    """A line of the queue: enough to choose what to look at."""

    case_id: str
    subject_type: str
    subject_id: str
    revision: int
    owner_id: str
    title: str
    status: CaseStatus
    findings: list[Finding]
    opened_at: datetime
    updated_at: datetime


@attrs.frozen
class CaseView:
    """A case whole: the submitted content, what the rules found, the decision and the history."""

    case_id: str
    subject_type: str
    subject_id: str
    revision: int
    owner_id: str
    status: CaseStatus
    content: SubmittedContent
    findings: list[Finding]
    decision: ModerationDecision | None
    history: list[CaseEntry]
    opened_at: datetime
    updated_at: datetime
