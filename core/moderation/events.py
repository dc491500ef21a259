"""Events of the moderation context. Products applies ``ModerationDecided`` to the revision it names;
reviews will too (subject_type "review")."""

from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event


@domain_event("moderation.CaseOpened.v1", key="case_id")
@attrs.frozen(kw_only=True)
class CaseOpened(Event):
    case_id: str
    subject_type: str
    subject_id: str
    revision: int
    needs_human: bool


@domain_event("moderation.ModerationDecided.v1", key="subject_id")
@attrs.frozen(kw_only=True)
class ModerationDecided(Event):
    case_id: str
    subject_type: str  # "product" (reviews later)
    subject_id: str
    revision: int
    approved: bool
    reasons: list[str]
    decided_by: str  # "rules", or the moderator's user id
