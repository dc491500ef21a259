"""Every auth and users route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

Each context has a table like ``BAD`` here in a tests/e2e/test_bad_input_<context>.py;
test_bad_input_coverage.py fails when a route that takes a body, a query or a path id has no row.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_input import check_rows
from tests.support.http import ApiClient

PASSWORD = "correct horse battery"
ADDRESS = {"recipient": "Ann", "line1": "Main 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
LONG = "x" * 5000

# (method, path template, body or query, the field the problem must name, status)
# {user_id} and {address_id} are filled with the customer's own ids; "{missing}" with an unknown id.
BAD: list[tuple[str, str, Any, str, int]] = [
    ("POST", "/api/v1/auth/register", {"email": "a@b.co", "password": PASSWORD}, "display_name", 422),
    ("POST", "/api/v1/auth/register", {"email": 1, "password": PASSWORD, "display_name": "A"}, "email", 422),
    ("POST", "/api/v1/auth/register", {"email": "x", "password": PASSWORD, "display_name": "A"}, "email", 422),
    ("POST", "/api/v1/auth/register", {"email": "n@b.co", "password": "short", "display_name": "A"}, "password", 422),
    (
        "POST",
        "/api/v1/auth/register",
        {"email": "n@b.co", "password": PASSWORD, "display_name": ""},
        "display_name",
        422,
    ),
    (
        "POST",
        "/api/v1/auth/register",
        {"email": "n@b.co", "password": PASSWORD, "display_name": "A", "admin": True},
        "admin",
        422,
    ),
    ("POST", "/api/v1/auth/register", {"email": "n@b.co", "password": LONG, "display_name": "A"}, "password", 422),
    ("POST", "/api/v1/auth/register", "not an object", "body", 422),
    ("POST", "/api/v1/auth/login", {"email": "ann@example.com"}, "password", 422),
    ("POST", "/api/v1/auth/login", {"email": ["ann@example.com"], "password": PASSWORD}, "email", 422),
    ("POST", "/api/v1/auth/session", {"email": "ann@example.com"}, "password", 422),
    ("POST", "/api/v1/auth/session", {"email": "ann@example.com", "password": 42}, "password", 422),
    ("POST", "/api/v1/auth/password", {"current_password": PASSWORD}, "new_password", 422),
    (
        "POST",
        "/api/v1/auth/password",
        {"current_password": "wrong one!!", "new_password": "a new passphrase"},
        "current_password",
        422,
    ),
    ("POST", "/api/v1/auth/password", {"current_password": PASSWORD, "new_password": "short"}, "new_password", 422),
    ("DELETE", "/api/v1/me", {}, "password", 422),
    ("DELETE", "/api/v1/me", {"password": "not my password"}, "password", 422),
    ("PATCH", "/api/v1/me/profile", {"display_name": 5}, "display_name", 422),
    ("PATCH", "/api/v1/me/profile", {"display_name": "   "}, "display_name", 422),
    ("PATCH", "/api/v1/me/profile", {"phone": "12"}, "phone", 422),
    ("PATCH", "/api/v1/me/profile", {"email": "new@b.co"}, "email", 422),
    ("PATCH", "/api/v1/me/preferences", {"language": "klingon"}, "language", 422),
    ("PATCH", "/api/v1/me/preferences", {"currency": "XXX"}, "currency", 422),
    ("PATCH", "/api/v1/me/preferences", {"notifications": {"promotions": "yes"}}, "notifications.promotions", 422),
    (
        "PATCH",
        "/api/v1/me/preferences",
        {"notifications": {"carrier_pigeon": True}},
        "notifications.carrier_pigeon",
        422,
    ),
    ("POST", "/api/v1/me/addresses", {**ADDRESS, "country": "XX"}, "country", 422),
    ("POST", "/api/v1/me/addresses", {**ADDRESS, "postal_code": "%%%"}, "postal_code", 422),
    ("POST", "/api/v1/me/addresses", {**ADDRESS, "city": ""}, "city", 422),
    ("POST", "/api/v1/me/addresses", {k: v for k, v in ADDRESS.items() if k != "line1"}, "line1", 422),
    ("POST", "/api/v1/me/addresses", {**ADDRESS, "default": "yes"}, "default", 422),
    ("POST", "/api/v1/me/addresses", {**ADDRESS, "phone": "phone"}, "phone", 422),
    ("PATCH", "/api/v1/me/addresses/{address_id}", {"country": "Narnia"}, "country", 422),
    ("PATCH", "/api/v1/me/addresses/{address_id}", {"recipient": None}, "recipient", 422),
    ("PATCH", "/api/v1/me/addresses/{address_id}", {"floor": 3}, "floor", 422),
    ("PATCH", "/api/v1/me/addresses/{missing}", {"city": "Bonn"}, "", 404),
    ("DELETE", "/api/v1/me/addresses/{missing}", None, "", 404),
    ("GET", "/api/v1/admin/users", "limit=0", "limit", 422),
    ("GET", "/api/v1/admin/users", "limit=many", "limit", 422),
    ("GET", "/api/v1/admin/users", "cursor=%%%", "cursor", 422),
    ("GET", "/api/v1/admin/users", "sort=email", "sort", 422),
    ("GET", "/api/v1/admin/users/{missing}", None, "", 404),
    ("PUT", "/api/v1/admin/users/{user_id}/roles", {"roles": ["emperor"]}, "roles.0", 422),
    ("PUT", "/api/v1/admin/users/{user_id}/roles", {"roles": "seller"}, "roles", 422),
    ("PUT", "/api/v1/admin/users/{user_id}/roles", {}, "roles", 422),
    ("PUT", "/api/v1/admin/users/{missing}/roles", {"roles": ["seller"]}, "", 404),
]

ADMIN_ROUTES = ("/api/v1/admin/",)
# The rows that give ann's password wrong (logging in, or confirming a password change or a deletion): each
# counts as a failure against her account, and login_failures_per_account failures within the window lock
# the account (a 429 instead of the row's problem); the address limit counts wrong logins only. The table
# shares one shop while there are fewer than that; more would need a fresh shop per group of rows.
WRONG_PASSWORDS = [
    row
    for row in BAD
    if row[1] in ("/api/v1/auth/login", "/api/v1/auth/password", "/api/v1/me")
    and isinstance(row[2], dict)
    and row[2].get("current_password", row[2].get("password", PASSWORD)) != PASSWORD
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    """A customer with an address, and an admin; returns their tokens and ids."""
    from core.auth.commands import GetAccount, SetRoles
    from core.auth.use_cases import GetAccountInfo, SetUserRoles
    from core.shared.security import Role
    from features.steps.accounts import OPERATOR

    for email in ("ann@example.com", "root@example.com"):
        assert (
            api.post("/api/v1/auth/register", {"email": email, "password": PASSWORD, "display_name": "A"}).status == 201
        )
    runtime = server.runtime
    root = server.call(runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email="root@example.com")))
    server.call(runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, root.user_id, frozenset({Role.ADMIN}))))
    ann = api.post("/api/v1/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body
    admin = api.post("/api/v1/auth/login", {"email": "root@example.com", "password": PASSWORD}).body
    address = api.post("/api/v1/me/addresses", ADDRESS, token=ann["token"]).body
    return {
        "ann": ann["token"],
        "admin": admin["token"],
        "user_id": ann["user_id"],
        "address_id": address["address_id"],
        "missing": "01900000-0000-7000-8000-000000000000",
    }


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    """Everything the bad requests could have touched, as the customer and the admin see it."""
    ann, admin = shop["ann"], shop["admin"]
    views = [api.get(p, token=ann).body for p in ("/api/v1/me", "/api/v1/me/profile", "/api/v1/me/addresses")]
    views.append(api.get("/api/v1/auth/sessions", token=ann).body["items"].__len__())
    views.append(api.get("/api/v1/admin/users?limit=100", token=admin).body)
    for view in views:
        if isinstance(view, dict):
            view.pop("last_login_at", None)
    return views


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, server: Any, shop: dict[str, str]) -> None:
    assert len(WRONG_PASSWORDS) < server.settings.login_failures_per_account
    check_rows(
        api,
        BAD,
        shop,
        lambda path: shop["admin"] if path.startswith(ADMIN_ROUTES) else shop["ann"],
        lambda: _state(api, shop),
    )


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"email": "a@b.co"', "application/json", 400),
        (b"email=a@b.co", "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe", "application/json", 400),
        (b"[" * 2_000_000, "application/json", 413),
    ],
)
def test_unreadable_bodies(api: ApiClient, raw: bytes, content_type: str, status: int) -> None:
    reply = api.request("POST", "/api/v1/auth/register", data=raw, headers={"Content-Type": content_type})
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    if status == 400:
        assert reply.problem_fields == ["body"]
