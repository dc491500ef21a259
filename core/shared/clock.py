"""Time in the domain is always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the domain works in aware UTC datetimes")
    return moment.astimezone(UTC)
