"""Every sellers route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

The shop: "ann" is a verified seller, "bea" has applied (pending), "cat" is a customer who never applied,
and "root" is an admin. Admin routes are called as root, seller routes as ann, the others as cat.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_input import check_rows
from tests.support.http import ApiClient

PASSWORD = "correct horse battery"
APPLICATION = {
    "legal_name": "Cat Ceramics Ltd",
    "display_name": "Cat Ceramics",
    "country": "GB",
    "payout_reference": "acct_77",
}

# (method, path template, body or query, the field the problem must name, status)
# {seller_id} is ann's (verified), {pending_id} bea's (pending); {missing} an id nobody has.
BAD: list[tuple[str, str, Any, str, int]] = [
    ("POST", "/api/v1/sellers/apply", {**APPLICATION, "country": "XX"}, "country", 422),
    ("POST", "/api/v1/sellers/apply", {**APPLICATION, "country": "United Kingdom"}, "country", 422),
    (
        "POST",
        "/api/v1/sellers/apply",
        {**APPLICATION, "payout_reference": "GB29 NWBK 6016 1331"},
        "payout_reference",
        422,
    ),
    ("POST", "/api/v1/sellers/apply", {**APPLICATION, "payout_reference": "x" * 65}, "payout_reference", 422),
    ("POST", "/api/v1/sellers/apply", {**APPLICATION, "legal_name": "   "}, "legal_name", 422),
    ("POST", "/api/v1/sellers/apply", {**APPLICATION, "legal_name": "x" * 201}, "legal_name", 422),
    ("POST", "/api/v1/sellers/apply", {**APPLICATION, "display_name": 42}, "display_name", 422),
    ("POST", "/api/v1/sellers/apply", {k: v for k, v in APPLICATION.items() if k != "legal_name"}, "legal_name", 422),
    ("POST", "/api/v1/sellers/apply", {**APPLICATION, "status": "verified"}, "status", 422),
    ("POST", "/api/v1/sellers/apply", ["not", "an", "object"], "body", 422),
    ("GET", "/api/v1/sellers/{missing}", None, "", 404),
    ("GET", "/api/v1/sellers/{pending_id}", None, "", 404),
    ("PATCH", "/api/v1/seller/storefront", {"description": "x" * 2001}, "description", 422),
    ("PATCH", "/api/v1/seller/storefront", {"description": "ring\u0007ring"}, "description", 422),
    ("PATCH", "/api/v1/seller/storefront", {"logo_url": "http://cdn.example.com/logo.png"}, "logo_url", 422),
    ("PATCH", "/api/v1/seller/storefront", {"logo_url": "not a url"}, "logo_url", 422),
    ("PATCH", "/api/v1/seller/storefront", {"logo_url": ["https://cdn.example.com/a.png"]}, "logo_url", 422),
    ("PATCH", "/api/v1/seller/storefront", {"display_name": None}, "display_name", 422),
    ("PATCH", "/api/v1/seller/storefront", {"display_name": ""}, "display_name", 422),
    ("PATCH", "/api/v1/seller/storefront", {"rating": 5}, "rating", 422),
    ("GET", "/api/v1/admin/sellers", "status=approved", "status", 422),
    ("GET", "/api/v1/admin/sellers", "limit=0", "limit", 422),
    ("GET", "/api/v1/admin/sellers", "limit=many", "limit", 422),
    ("GET", "/api/v1/admin/sellers", "cursor=%%%", "cursor", 422),
    ("GET", "/api/v1/admin/sellers", "sort=name", "sort", 422),
    ("POST", "/api/v1/admin/sellers/{missing}/verify", None, "", 404),
    ("POST", "/api/v1/admin/sellers/{seller_id}/verify", None, "", 409),
    ("POST", "/api/v1/admin/sellers/{pending_id}/reject", {}, "reason", 422),
    ("POST", "/api/v1/admin/sellers/{pending_id}/reject", {"reason": "  "}, "reason", 422),
    ("POST", "/api/v1/admin/sellers/{pending_id}/reject", {"reason": 5}, "reason", 422),
    ("POST", "/api/v1/admin/sellers/{missing}/reject", {"reason": "no"}, "", 404),
    ("POST", "/api/v1/admin/sellers/{seller_id}/reject", {"reason": "no"}, "", 409),
    ("POST", "/api/v1/admin/sellers/{seller_id}/suspend", {"reason": "x" * 501}, "reason", 422),
    ("POST", "/api/v1/admin/sellers/{seller_id}/suspend", {"why": "fraud"}, "why", 422),
    ("POST", "/api/v1/admin/sellers/{missing}/suspend", {"reason": "fraud"}, "", 404),
    ("POST", "/api/v1/admin/sellers/{pending_id}/suspend", {"reason": "fraud"}, "", 409),
    ("POST", "/api/v1/admin/sellers/{missing}/reinstate", None, "", 404),
    ("POST", "/api/v1/admin/sellers/{seller_id}/reinstate", None, "", 409),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    from core.auth.commands import GetAccount, SetRoles
    from core.auth.use_cases import GetAccountInfo, SetUserRoles
    from core.shared.security import Role
    from features.steps.accounts import OPERATOR

    tokens: dict[str, str] = {}
    ids: dict[str, str] = {}
    for name in ("ann", "bea", "cat", "root"):
        email = f"{name}@example.com"
        body = {"email": email, "password": PASSWORD, "display_name": name.title()}
        assert api.post("/api/v1/auth/register", body).status == 201
        login = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).body
        tokens[name], ids[name] = login["token"], login["user_id"]
    runtime = server.runtime
    root = server.call(runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email="root@example.com")))
    server.call(runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, root.user_id, frozenset({Role.ADMIN}))))
    for name in ("ann", "bea"):
        application = {**APPLICATION, "display_name": f"{name.title()}'s Shop"}
        assert api.post("/api/v1/sellers/apply", application, token=tokens[name]).status == 201
    assert api.post(f"/api/v1/admin/sellers/{ids['ann']}/verify", token=tokens["root"]).status == 200
    return {
        "seller": tokens["ann"],
        "customer": tokens["cat"],
        "admin": tokens["root"],
        "seller_id": ids["ann"],
        "pending_id": ids["bea"],
        "missing": "01900000-0000-7000-8000-000000000000",
    }


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    """Everything the bad requests could have touched, as the seller, the customer and the admin see it."""
    return [
        api.get(f"/api/v1/sellers/{shop['seller_id']}").body,
        api.get("/api/v1/seller/storefront", token=shop["seller"]).body,
        api.get("/api/v1/me/seller", token=shop["customer"]).status,
        api.get("/api/v1/admin/sellers?limit=100", token=shop["admin"]).body,
    ]


def _token(shop: dict[str, str], path: str) -> str:
    if path.startswith("/api/v1/admin/"):
        return shop["admin"]
    if path.startswith("/api/v1/seller/"):
        return shop["seller"]
    return shop["customer"]


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    check_rows(api, BAD, shop, lambda path: _token(shop, path), lambda: _state(api, shop))
