"""One pagination style everywhere: keyset (cursor) pages.

A cursor is an opaque, URL-safe token that encodes the sort key of the last item returned; the next page
starts strictly after it. Unlike offsets, a cursor page never skips or repeats an item while rows are
being inserted, and costs the same at page 1 and page 1000.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import attrs

from core.shared.errors import ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _check_limit(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1 <= value <= MAX_LIMIT:
        raise ValidationFailed.of("limit", f"must be between 1 and {MAX_LIMIT}")


@attrs.frozen
class PageRequest:
    limit: int = attrs.field(default=DEFAULT_LIMIT, validator=_check_limit)
    cursor: str | None = None

    def after(self) -> list[Any] | None:
        """The decoded sort key to start after, or None for the first page."""
        return decode_cursor(self.cursor) if self.cursor else None


@attrs.frozen
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None = None


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValidationFailed.of("cursor", "is not a cursor this API returned") from None
    # No sort key this API writes holds a NUL character (PostgreSQL's text cannot): a forged one is refused
    # here rather than reaching a query.
    if not isinstance(value, list) or any(isinstance(part, str) and "\x00" in part for part in value):
        raise ValidationFailed.of("cursor", "is not a cursor this API returned")
    return value


def page_of(items: Sequence[T], request: PageRequest, key: Any) -> Page[T]:
    """Cut a page from ``items`` (already sorted and filtered to after the cursor, one extra fetched)."""
    if len(items) > request.limit:
        kept = items[: request.limit]
        return Page(kept, encode_cursor(key(kept[-1])))
    return Page(items, None)


def moment_key(moment: datetime, item_id: str) -> list[str]:
    """The sort key of a list ordered by a moment and then by id (newest or oldest first alike)."""
    return [moment.isoformat(), item_id]


def _moment(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def moment_after(page: PageRequest) -> tuple[datetime, str] | None:
    """The (moment, id) a ``moment_key`` cursor holds, None on the first page; ValidationFailed otherwise."""
    after = page.after()
    if after is None:
        return None
    if len(after) == 2 and isinstance(after[1], str) and (moment := _moment(after[0])) is not None:
        return moment, after[1]
    raise ValidationFailed.of("cursor", "is not a cursor this API returned")


RANK_MAX = 2**31  # a rank is a count or a number of stars: it fits PostgreSQL's integer


def ranked_moment_after(page: PageRequest) -> tuple[int, datetime, str] | None:
    """The (rank, moment, id) a cursor of a list ordered by a rank (votes, stars), then a moment and an id
    holds, None on the first page; ValidationFailed otherwise."""
    after = page.after()
    if after is None:
        return None
    if (
        len(after) == 3
        and type(after[0]) is int
        and abs(after[0]) < RANK_MAX
        and isinstance(after[2], str)
        and (moment := _moment(after[1])) is not None
    ):
        return after[0], moment, after[2]
    raise ValidationFailed.of("cursor", "is not a cursor this API returned")


async def every_item(fetch: Callable[[PageRequest], Awaitable[Page[T]]]) -> AsyncIterator[T]:
    """Every item of a paged read, page after page of the largest size, following the cursors."""
    page = PageRequest(MAX_LIMIT)
    while True:
        found = await fetch(page)
        for item in found.items:
            yield item
        if found.next_cursor is None:
            return
        page = PageRequest(MAX_LIMIT, found.next_cursor)
