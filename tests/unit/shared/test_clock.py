from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.shared.clock import utc


def test_an_aware_moment_is_converted_to_utc() -> None:
    berlin_noon = datetime(2026, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))

    moment = utc(berlin_noon)

    assert moment == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        utc(datetime(2026, 1, 1, 12, 0))
