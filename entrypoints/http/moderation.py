"""Moderation routes: the moderators' queue of cases, and their decisions."""

from __future__ import annotations

from typing import Any

import attrs

from core.moderation import commands as c
from core.moderation import use_cases as uc
from core.moderation.model import CaseStatus, SubjectType
from core.shared.pagination import MAX_LIMIT, PageRequest
from core.shared.security import Role
from entrypoints.http.routing import ADMIN, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "moderation"
MODERATOR = (Role.MODERATOR,)
REASON = {"type": "string", "minLength": uc.REASON_MIN, "maxLength": uc.REASON_MAX}


@attrs.frozen
class CasesQuery:
    """``status=open`` (the default) is the queue, oldest first; decided and superseded cases come most
    recently closed first. ``subject_type`` keeps only the cases of products, or of reviews."""

    status: CaseStatus = CaseStatus.OPEN
    subject_type: SubjectType | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class CasePage:
    items: list[c.CaseSummary]
    next_cursor: str | None


@attrs.frozen
class RejectBody:
    """Why the submission is refused: the seller reads these reasons."""

    reasons: list[str] = attrs.field(metadata=limits(min_items=1, max_items=uc.REASONS_MAX, items=REASON))


async def list_cases(call: Call[None, CasesQuery]) -> CasePage:
    q = call.query
    subject_type = None if q.subject_type is None else q.subject_type.value
    command = c.ListCases(call.user, q.status, PageRequest(q.limit, q.cursor), subject_type)
    page = await call.resolve(uc.ListModerationCases)(command)
    return CasePage(list(page.items), page.next_cursor)


async def get_case(call: Call[None, None]) -> c.CaseView:
    return await call.resolve(uc.ShowModerationCase)(c.GetCase(call.user, call.path("case_id")))


async def approve_case(call: Call[None, None]) -> c.CaseView:
    return await call.resolve(uc.ApproveCase)(c.Approve(call.user, call.path("case_id")))


async def reject_case(call: Call[RejectBody, None]) -> c.CaseView:
    command = c.Reject(call.user, call.path("case_id"), list(call.body.reasons))
    return await call.resolve(uc.RejectCase)(command)


def _moderation(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, group=ADMIN, roles=MODERATOR, tag=TAG, **kw)


ENDPOINTS = [
    _moderation(
        "GET",
        "/moderation/cases",
        list_cases,
        "The moderation queue (or the decided and superseded cases)",
        query=CasesQuery,
        response=CasePage,
    ),
    _moderation(
        "GET",
        "/moderation/cases/{case_id}",
        get_case,
        "A case: the submitted content, the rules' findings, the decision and the history",
        response=c.CaseView,
        errors=(404,),
    ),
    _moderation(
        "POST",
        "/moderation/cases/{case_id}/approve",
        approve_case,
        "Approve the submission: it is published",
        response=c.CaseView,
        errors=(404, 409),
        description="Only an open case can be decided: a decided or superseded one answers 409.",
    ),
    _moderation(
        "POST",
        "/moderation/cases/{case_id}/reject",
        reject_case,
        "Reject the submission with the reasons the seller will read",
        body=RejectBody,
        response=c.CaseView,
        errors=(404, 409),
        description="Only an open case can be decided: a decided or superseded one answers 409.",
    ),
]
