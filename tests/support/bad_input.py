"""One row of a bad-input table (tests/e2e/test_bad_input_*.py), sent and checked the same way everywhere.

A row is (method, path template, body or query string, the field the problem must name, status); the
template is filled from the module's shop (its ids by name). The caller compares the shop before and
after: bad input changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.http import ApiClient, Reply

Row = tuple[str, str, Any, str, int]


def send_bad_row(api: ApiClient, row: Row, shop: dict[str, str], token_for: Callable[[str], str]) -> Reply:
    """Send the row as the caller ``token_for(path)`` names, and check its answer is the row's problem."""
    method, template, payload, field, status = row
    path = template.format(**shop)
    if method == "GET":
        reply = api.get(f"{path}?{payload}" if payload else path, token=token_for(path))
    else:
        reply = api.request(method, path, payload, token=token_for(path))
    assert_problem(reply, status, field)
    return reply


def assert_problem(reply: Reply, status: int, field: str = "") -> None:
    """The answer is an RFC 9457 problem of ``status``, naming ``field`` among its errors when one is given."""
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.body["status"] == status
    if field:
        assert field in reply.problem_fields, reply.body
