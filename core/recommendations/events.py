"""Events of the recommendations context."""

from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event


@domain_event("recommendations.RecommendationsRefreshed.v1", key="user_id")
@attrs.frozen(kw_only=True)
class RecommendationsRefreshed(Event):
    """A user's personal list was built anew (``size`` products)."""

    user_id: str
    size: int
