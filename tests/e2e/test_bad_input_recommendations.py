"""The activity and recommendation routes, fed bad input: a 4xx problem+json that names the field, and
nothing changes (a refused request records no activity either)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.orders_shop import browsed_shop
from tests.support.bad_input import Row, check_rows
from tests.support.http import ApiClient

ACTIVITY = "/api/v1/me/activity"
SEARCHES = "/api/v1/admin/activity/searches"
FOR_YOU = "/api/v1/recommendations"
BEST = "/api/v1/recommendations/best-sellers"
TOP = "/api/v1/recommendations/top-rated"
ALSO = "/api/v1/products/{product_id}/also-bought"
SIMILAR = "/api/v1/products/{product_id}/similar"
NUL = "01900000%00"
MISSING = "01900000-0000-7000-8000-000000000000"

BAD: list[Row] = [
    ("GET", ACTIVITY, "kind=clicked", "kind.0", 422),
    ("GET", ACTIVITY, "limit=0", "limit", 422),
    ("GET", ACTIVITY, "limit=101", "limit", 422),
    ("GET", ACTIVITY, "cursor=%%%", "cursor", 422),
    ("GET", ACTIVITY, "since=yesterday", "since", 422),
    ("GET", SEARCHES, "days=0", "days", 422),
    ("GET", SEARCHES, "days=91", "days", 422),
    ("GET", SEARCHES, "without_results=perhaps", "without_results", 422),
    ("GET", SEARCHES, "limit=x", "limit", 422),
    ("GET", FOR_YOU, "limit=0", "limit", 422),
    ("GET", FOR_YOU, "limit=51", "limit", 422),
    ("GET", FOR_YOU, "source=personal", "source", 422),
    ("GET", BEST, "limit=-1", "limit", 422),
    ("GET", BEST, "category_id=" + "c" * 65, "category_id", 422),
    ("GET", TOP, "limit=many", "limit", 422),
    ("GET", TOP, "kind=best_sellers", "kind", 422),
    ("GET", ALSO, "limit=0", "limit", 422),
    ("GET", ALSO.replace("{product_id}", NUL), "", "", 404),
    ("GET", ALSO.replace("{product_id}", MISSING), "", "", 404),
    ("GET", SIMILAR, "limit=51", "limit", 422),
    ("GET", SIMILAR.replace("{product_id}", NUL), "", "", 404),
    ("GET", SIMILAR.replace("{product_id}", MISSING), "", "", 404),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """A card, a customer who looked at it and searched, and an admin."""
    return browsed_shop(api, server, searched="teapot")


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    return [
        api.get(ACTIVITY, token=shop["ann"]).body,
        api.get(SEARCHES, token=shop["admin"]).body,
        api.get(FOR_YOU, token=shop["ann"]).body,
        api.get(ALSO.format(**shop), token="").body,
    ]


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    kinds = [a["kind"] for a in _state(api, shop)[0]["items"]]
    assert kinds == ["searched", "viewed"]

    def token_for(path: str) -> str:
        return shop["admin"] if path.startswith("/api/v1/admin") else shop["ann"]

    check_rows(api, BAD, shop, token_for, lambda: _state(api, shop))
