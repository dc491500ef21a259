"""The keyset of the catalogue's lists: newest first, by a moment and then the id (both descending).

Both adapters cut pages with these, so a cursor one returns is one the other understands.
"""

from __future__ import annotations

from datetime import datetime

from core.shared.errors import ValidationFailed
from core.shared.pagination import PageRequest


def newest_first_key(moment: datetime, item_id: str) -> list[str]:
    return [moment.isoformat(), item_id]


def newest_first_after(page: PageRequest) -> tuple[datetime, str] | None:
    """The (moment, id) a page starts strictly before, or None for the first page."""
    after = page.after()
    if after is None:
        return None
    if len(after) != 2 or not all(isinstance(part, str) for part in after):
        raise ValidationFailed.of("cursor", "is not a cursor this API returned")
    try:
        moment = datetime.fromisoformat(after[0])
    except ValueError:
        raise ValidationFailed.of("cursor", "is not a cursor this API returned") from None
    if moment.tzinfo is None:
        raise ValidationFailed.of("cursor", "is not a cursor this API returned")
    return moment, after[1]
