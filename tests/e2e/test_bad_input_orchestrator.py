"""Every orchestrator route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

"root" is an admin (the saga routes are the admin's only); "cat" a customer, refused with 403.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_input import check_rows
from tests.support.http import ApiClient

PASSWORD = "correct horse battery"

# (method, path template, query, the field the problem must name, status); {missing}: a saga nobody has.
BAD: list[tuple[str, str, Any, str, int]] = [
    ("GET", "/api/v1/admin/sagas", "kind=payment", "kind", 422),
    ("GET", "/api/v1/admin/sagas", "status=done", "status", 422),
    ("GET", "/api/v1/admin/sagas", "limit=0", "limit", 422),
    ("GET", "/api/v1/admin/sagas", "limit=101", "limit", 422),
    ("GET", "/api/v1/admin/sagas", "limit=many", "limit", 422),
    ("GET", "/api/v1/admin/sagas", "cursor=%%%", "cursor", 422),
    ("GET", "/api/v1/admin/sagas", "cursor=bm90IGEgY3Vyc29y", "cursor", 422),
    ("GET", "/api/v1/admin/sagas", "sort=newest", "sort", 422),
    ("GET", "/api/v1/admin/sagas/{missing}", None, "", 404),
    ("GET", "/api/v1/admin/sagas/{long}", None, "", 404),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    from core.auth.commands import GetAccount, SetRoles
    from core.auth.use_cases import GetAccountInfo, SetUserRoles
    from core.shared.security import Role
    from features.steps.accounts import OPERATOR

    tokens: dict[str, str] = {}
    for name in ("root", "cat"):
        email = f"{name}@sagas.example.com"
        body = {"email": email, "password": PASSWORD, "display_name": name.title()}
        api.post("/api/v1/auth/register", body)
        tokens[name] = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).body["token"]
    runtime = server.runtime
    root = server.call(runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email="root@sagas.example.com")))
    server.call(runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, root.user_id, frozenset({Role.ADMIN}))))
    tokens["root"] = api.post("/api/v1/auth/login", {"email": "root@sagas.example.com", "password": PASSWORD}).body[
        "token"
    ]
    return {
        "admin": tokens["root"],
        "customer": tokens["cat"],
        "missing": "01900000-0000-7000-8000-000000000000",
        "long": "x" * 300,
    }


def _state(api: ApiClient, shop: dict[str, str]) -> Any:
    return api.get("/api/v1/admin/sagas?limit=100", token=shop["admin"]).body


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    check_rows(api, BAD, shop, lambda path: shop["admin"], lambda: _state(api, shop))


@pytest.mark.parametrize("path", ["/api/v1/admin/sagas", "/api/v1/admin/sagas/{missing}"])
def test_only_an_admin_may_look_at_sagas(api: ApiClient, shop: dict[str, str], path: str) -> None:
    assert api.get(path.format(**shop)).status == 401
    assert api.get(path.format(**shop), token=shop["customer"]).status == 403
