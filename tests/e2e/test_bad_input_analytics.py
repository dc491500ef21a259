"""The business figures' routes, fed bad input: a 4xx problem+json that names the field, and nothing
changes (the history and the figures read from it)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.orders_shop import browsed_shop
from tests.support.bad_input import Row, check_rows
from tests.support.http import ApiClient

SALES = "/api/v1/admin/analytics/sales"
SELLERS = "/api/v1/admin/analytics/sellers"
FUNNEL = "/api/v1/admin/analytics/funnel"
TOP = "/api/v1/admin/analytics/top-products"
SEARCHES = "/api/v1/admin/analytics/searches-without-results"
MY_SALES = "/api/v1/seller/analytics/sales"
MY_FUNNEL = "/api/v1/seller/analytics/funnel"
MY_TOP = "/api/v1/seller/analytics/top-products"

BAD: list[Row] = [
    ("GET", SALES, "start=yesterday", "start", 422),
    ("GET", SALES, "end=2026-02-30", "end", 422),
    ("GET", SALES, "start=2026-03-02&end=2026-03-01", "end", 422),
    ("GET", SALES, "start=2024-01-01&end=2026-01-01", "end", 422),
    ("GET", SALES, "currency=euro", "currency", 422),
    ("GET", SALES, "currency=XXX", "currency", 422),
    ("GET", SALES, "limit=5", "limit", 422),
    ("GET", SELLERS, "limit=0", "limit", 422),
    ("GET", SELLERS, "limit=101", "limit", 422),
    ("GET", SELLERS, "currency=eu", "currency", 422),
    ("GET", FUNNEL, "start=2026-13-01", "start", 422),
    ("GET", FUNNEL, "currency=EUR", "currency", 422),
    ("GET", TOP, "limit=many", "limit", 422),
    ("GET", TOP, "end=tomorrow", "end", 422),
    ("GET", SEARCHES, "limit=-1", "limit", 422),
    ("GET", SEARCHES, "start=2026-03-02&end=2026-03-01", "end", 422),
    ("GET", MY_SALES, "currency=12", "currency", 422),
    ("GET", MY_SALES, "start=2026-01-01T00:00:00Z", "start", 422),
    ("GET", MY_FUNNEL, "end=0", "end", 422),
    ("GET", MY_TOP, "limit=0", "limit", 422),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """A seller's product that a customer looked at and searched for, and an admin."""
    return browsed_shop(api, server, searched="samovar")


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    return [
        api.get(FUNNEL, token=shop["admin"]).body,
        api.get(SEARCHES, token=shop["admin"]).body,
        api.get(MY_FUNNEL, token=shop["seller"]).body,
    ]


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    state = _state(api, shop)
    assert state[0]["steps"][0] == {"step": "viewed", "shoppers": 1, "conversion": 1.0, "overall": 1.0}
    assert state[1]["searches"] == [{"query": "samovar", "searches": 1}]
    assert state[2]["steps"][0]["shoppers"] == 1

    def token_for(path: str) -> str:
        return shop["admin"] if path.startswith("/api/v1/admin") else shop["seller"]

    check_rows(api, BAD, shop, token_for, lambda: _state(api, shop))


def test_only_admins_read_the_shops_figures_and_only_sellers_their_own(api: ApiClient, shop: dict[str, str]) -> None:
    for path in (SALES, SELLERS, FUNNEL, TOP, SEARCHES):
        assert api.get(path).status == 401
        assert api.get(path, token=shop["ann"]).status == 403
        assert api.get(path, token=shop["seller"]).status == 403
        assert api.get(path, token=shop["admin"]).status == 200
    for path in (MY_SALES, MY_FUNNEL, MY_TOP):
        assert api.get(path).status == 401
        assert api.get(path, token=shop["ann"]).status == 403
        assert api.get(path, token=shop["seller"]).status == 200
