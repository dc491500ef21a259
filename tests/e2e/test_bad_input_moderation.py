"""Every moderation route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

The shop: "mo" is a moderator, "cat" a customer. Two revisions of one product were submitted with a phone
number in the description, so the second case waits in the queue and the first was superseded.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_input import check_rows
from tests.support.http import ApiClient

PASSWORD = "correct horse battery"
CASES = "/api/v1/admin/moderation/cases"
GOOD = {"reasons": ["Contact details are not allowed"]}
PRODUCT = "01900000-0000-7000-8000-00000000b0a4"
SELLER = "01900000-0000-7000-8000-0000000000a1"

# (method, path template, body or query, the field the problem must name, status)
# {open_id} is the waiting case, {superseded_id} the one the newer revision replaced; {missing} an unknown id.
BAD: list[tuple[str, str, Any, str, int]] = [
    ("GET", CASES, "status=closed", "status", 422),
    ("GET", CASES, "limit=0", "limit", 422),
    ("GET", CASES, "limit=101", "limit", 422),
    ("GET", CASES, "limit=many", "limit", 422),
    ("GET", CASES, "cursor=%%%", "cursor", 422),
    ("GET", CASES, "cursor=WyJ4Il0", "cursor", 422),
    ("GET", CASES, "sort=title", "sort", 422),
    ("GET", CASES + "/{missing}", None, "", 404),
    ("GET", CASES + "/not-an-id", None, "", 404),
    ("POST", CASES + "/{missing}/approve", None, "", 404),
    ("POST", CASES + "/{superseded_id}/approve", None, "", 409),
    ("POST", CASES + "/{open_id}/reject", {}, "reasons", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": []}, "reasons", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": "spam"}, "reasons", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": [42]}, "reasons.0", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": ["no"]}, "reasons.0", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": ["A fine reason", "  x  "]}, "reasons.1", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": ["x" * 301]}, "reasons.0", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": ["ring\u0007ring"]}, "reasons.0", 422),
    ("POST", CASES + "/{open_id}/reject", {"reasons": [f"reason {n}" for n in range(11)]}, "reasons", 422),
    ("POST", CASES + "/{open_id}/reject", {**GOOD, "ban_seller": True}, "ban_seller", 422),
    ("POST", CASES + "/{open_id}/reject", ["not", "an", "object"], "body", 422),
    ("POST", CASES + "/{missing}/reject", GOOD, "", 404),
    ("POST", CASES + "/{superseded_id}/reject", GOOD, "", 409),
]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    from core.auth.commands import GetAccount, SetRoles
    from core.auth.use_cases import GetAccountInfo, SetUserRoles
    from core.moderation.commands import OpenCase
    from core.moderation.model import Subject, SubmittedContent
    from core.moderation.use_cases import OpenModerationCase
    from core.shared.money import Money
    from core.shared.security import Role
    from features.steps.accounts import OPERATOR

    runtime = server.runtime
    for email in ("mo@example.com", "cat@example.com"):
        assert (
            api.post("/api/v1/auth/register", {"email": email, "password": PASSWORD, "display_name": "A"}).status == 201
        )
    mo = server.call(runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email="mo@example.com")))
    server.call(runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, mo.user_id, frozenset({Role.MODERATOR}))))
    content = SubmittedContent(
        title="Oak chopping board",
        description="Hand made from one piece of oak. Call me on +49 30 1234567 for a discount.",
        brand="Woodworks",
        price=Money(4500, "EUR"),
    )
    case_ids = []
    for revision in (1, 2):
        subject = Subject("product", PRODUCT, revision, SELLER)
        view = server.call(runtime.resolve(OpenModerationCase)(OpenCase(subject, content)))
        case_ids.append(view.case_id)
    server.settle()
    tokens = {
        name: api.post("/api/v1/auth/login", {"email": f"{name}@example.com", "password": PASSWORD}).body["token"]
        for name in ("mo", "cat")
    }
    return {
        **tokens,
        "superseded_id": case_ids[0],
        "open_id": case_ids[1],
        "missing": "01900000-0000-7000-8000-000000000000",
    }


def _state(api: ApiClient, shop: dict[str, str]) -> list[Any]:
    """Every case as the moderator sees it, in each list and whole."""
    views: list[Any] = []
    for status in ("open", "decided", "superseded"):
        views.append(api.get(f"{CASES}?status={status}", token=shop["mo"]).body)
    views.extend(api.get(f"{CASES}/{shop[key]}", token=shop["mo"]).body for key in ("open_id", "superseded_id"))
    return views


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, shop: dict[str, str]) -> None:
    check_rows(api, BAD, shop, lambda path: shop["mo"], lambda: _state(api, shop))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", CASES, None),
        ("GET", CASES + "/{open_id}", None),
        ("POST", CASES + "/{open_id}/approve", None),
        ("POST", CASES + "/{open_id}/reject", GOOD),
    ],
)
def test_a_customer_may_not_moderate(api: ApiClient, shop: dict[str, str], method: str, path: str, body: Any) -> None:
    before = _state(api, shop)
    reply = api.request(method, path.format(**shop), body, token=shop["cat"])
    assert reply.status == 403, reply.body
    anonymous = api.request(method, path.format(**shop), body)
    assert anonymous.status == 401, anonymous.body
    assert _state(api, shop) == before
