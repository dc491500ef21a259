"""Moderation use cases: open a case for a submission (or withdraw it), and the moderators' queue and decisions."""

from __future__ import annotations

from datetime import datetime

from core.moderation.commands import (
    Approve,
    CaseSummary,
    CaseView,
    GetCase,
    ListCases,
    OpenCase,
    Reject,
    WithdrawCase,
)
from core.moderation.model import Case, CaseStatus, Finding, Fingerprint, SubjectType
from core.moderation.rules import ModerationPolicy, evaluate_product, evaluate_review
from core.shared.errors import NotFound, Validation
from core.shared.pagination import Page
from core.shared.security import Role
from ports.moderation import ModerationUnitOfWork
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory

REASONS_MAX = 10
REASON_MIN, REASON_MAX = 3, 300


def case_view(case: Case) -> CaseView:
    s = case.subject
    return CaseView(
        case_id=case.id,
        subject_type=s.type,
        subject_id=s.id,
        revision=s.revision,
        owner_id=s.owner_id,
        status=case.status,
        content=case.content,
        findings=list(case.findings),
        decision=case.decision,
        history=list(case.history),
        opened_at=case.opened_at,
        updated_at=case.updated_at,
    )


def case_summary(case: Case) -> CaseSummary:
    s = case.subject
    return CaseSummary(
        case_id=case.id,
        subject_type=s.type,
        subject_id=s.id,
        revision=s.revision,
        owner_id=s.owner_id,
        title=case.content.title,
        status=case.status,
        findings=list(case.findings),
        opened_at=case.opened_at,
        updated_at=case.updated_at,
    )


def _compares_fingerprints(subject_type: str) -> bool:
    """Only listings are compared with approved ones (the duplicate rule); reviews keep no fingerprint."""
    return subject_type != SubjectType.REVIEW


class OpenModerationCase:
    """Runs on a submission: supersede the subject's open case, run the subject type's rules, decide or queue.

    Safe to repeat: a revision that already has a case (or is older than one that has) is left alone.
    """

    def __init__(
        self, uow: UnitOfWorkFactory[ModerationUnitOfWork], ids: IdGenerator, clock: Clock, policy: ModerationPolicy
    ) -> None:
        self.uow, self.ids, self.clock, self.policy = uow, ids, clock, policy

    async def __call__(self, command: OpenCase) -> CaseView | None:
        subject = command.subject
        async with self.uow() as uow:
            earlier = await uow.cases.for_subject(subject.type, subject.id)
            if any(c.subject.revision >= subject.revision for c in earlier):
                return None
            now = self.clock.now()
            for old in earlier:
                if old.status is CaseStatus.OPEN:
                    old.supersede(subject.revision, now)
                    await uow.cases.update(old)
            findings = await self._findings(uow, command, now)
            case = Case.open(
                case_id=self.ids.new_id(), subject=subject, content=command.content, findings=findings, now=now
            )
            await uow.cases.add(case)
            if case.approved and _compares_fingerprints(subject.type):
                await uow.fingerprints.put(Fingerprint.of(subject, command.content))
            await uow.commit()
        return case_view(case)

    async def _findings(self, uow: ModerationUnitOfWork, command: OpenCase, now: datetime) -> list[Finding]:
        subject, content = command.subject, command.content
        if subject.type == SubjectType.REVIEW:
            since = now - self.policy.review_burst_window
            recent = await uow.cases.opened_since(subject.type, subject.owner_id, since)
            return evaluate_review(content, reports=command.reports, recent=recent, policy=self.policy)
        fingerprint = Fingerprint.of(subject, content)
        approved = await uow.fingerprints.similar(fingerprint)
        return evaluate_product(content, fingerprint, approved, self.policy)


class WithdrawModerationCase:
    """Runs when the author deletes the subject: its open case of that revision or an earlier one closes
    undecided, so a moderator no longer sees it and nothing is published. Decided cases stay as they were;
    safe to repeat."""

    def __init__(self, uow: UnitOfWorkFactory[ModerationUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: WithdrawCase) -> list[CaseView]:
        async with self.uow() as uow:
            cases = await uow.cases.for_subject(command.subject_type, command.subject_id)
            withdrawn = [c for c in cases if c.status is CaseStatus.OPEN and c.subject.revision <= command.revision]
            now = self.clock.now()
            for case in withdrawn:
                case.withdraw(now)
                await uow.cases.update(case)
            await uow.commit()
        return [case_view(c) for c in withdrawn]


class ListModerationCases:
    def __init__(self, uow: UnitOfWorkFactory[ModerationUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListCases) -> Page[CaseSummary]:
        command.principal.require(Role.MODERATOR)
        async with self.uow() as uow:
            page = await uow.cases.list(command.status, command.page, command.subject_type)
        return Page([case_summary(c) for c in page.items], page.next_cursor)


async def _case(uow: ModerationUnitOfWork, case_id: str) -> Case:
    case = await uow.cases.get(case_id)
    if case is None:
        raise NotFound("no such moderation case")
    return case


class ShowModerationCase:
    def __init__(self, uow: UnitOfWorkFactory[ModerationUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: GetCase) -> CaseView:
        command.principal.require(Role.MODERATOR)
        async with self.uow() as uow:
            case = await _case(uow, command.case_id)
        return case_view(case)


class ApproveCase:
    """A moderator publishes the revision; a listing's fingerprint joins the approved ones."""

    def __init__(self, uow: UnitOfWorkFactory[ModerationUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: Approve) -> CaseView:
        command.principal.require(Role.MODERATOR)
        async with self.uow() as uow:
            case = await _case(uow, command.case_id)
            case.decide(approved=True, reasons=(), by=command.principal.user_id, now=self.clock.now())
            await uow.cases.update(case)
            if _compares_fingerprints(case.subject.type):
                await uow.fingerprints.put(Fingerprint.of(case.subject, case.content))
            await uow.commit()
        return case_view(case)


def check_reasons(reasons: list[str]) -> list[str]:
    """1 to 10 reasons the seller will read, each 3 to 300 characters once its spaces are tidied."""
    v = Validation()
    cleaned = [" ".join(r.split()) for r in reasons]
    v.check(1 <= len(cleaned) <= REASONS_MAX, "reasons", f"give between 1 and {REASONS_MAX} reasons")
    for i, reason in enumerate(cleaned):
        v.check(
            REASON_MIN <= len(reason) <= REASON_MAX,
            f"reasons.{i}",
            f"must be between {REASON_MIN} and {REASON_MAX} characters",
        )
        v.check(reason.isprintable(), f"reasons.{i}", "must not contain control characters")
    v.raise_if_any()
    return cleaned


class RejectCase:
    def __init__(self, uow: UnitOfWorkFactory[ModerationUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: Reject) -> CaseView:
        command.principal.require(Role.MODERATOR)
        reasons = check_reasons(command.reasons)
        async with self.uow() as uow:
            case = await _case(uow, command.case_id)
            case.decide(approved=False, reasons=reasons, by=command.principal.user_id, now=self.clock.now())
            await uow.cases.update(case)
            await uow.commit()
        return case_view(case)
