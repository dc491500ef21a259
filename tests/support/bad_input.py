"""The rows of a bad-input table (tests/e2e/test_bad_input_*.py), sent and checked the same way everywhere.

A row is (method, path template, body or query string, the field the problem must name, status); the
template is filled from the module's shop (its ids by name). Bad input changes nothing, so one shop serves
a whole table: ``check_rows`` sends the rows in turn and compares the shop's state after each with the
state before the first, and a failure names its row.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from typing import Any

from tests.support.http import ApiClient, Reply

Row = tuple[str, str, Any, str, int]
# How a table puts a row on the wire when the usual request will not do (a header, a signature, raw
# bytes): (method, filled path, body or query string, the caller's token) -> the reply.
Send = Callable[[str, str, Any, str], Reply]

_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxdict, _SHORT.maxlist = 40, 40, 8, 4


def filled(value: Any, shop: dict[str, str]) -> Any:
    """A payload with the shop's ids put in its templates ("{product_id}"), however deep they sit."""
    if isinstance(value, str):
        return value.format(**shop) if "{" in value else value
    if isinstance(value, dict):
        return {k: filled(v, shop) for k, v in value.items()}
    if isinstance(value, list):
        return [filled(v, shop) for v in value]
    return value


def label(row: Row) -> str:
    """The row as a failure names it: its method, path template, (shortened) payload, status and field."""
    method, template, payload, field, status = row
    shown = f" {_SHORT.repr(payload)}" if payload is not None else ""
    return f"{method} {template}{shown} -> {status} {field}".rstrip()


def request(api: ApiClient, method: str, path: str, payload: Any, token: str) -> Reply:
    """A row's request as most tables send it: a GET's payload is its query string, any other's its body."""
    if method == "GET":
        return api.get(f"{path}?{payload}" if payload else path, token=token)
    return api.request(method, path, payload, token=token)


def send_bad_row(
    api: ApiClient, row: Row, shop: dict[str, str], token_for: Callable[[str], str], send: Send | None = None
) -> Reply:
    """Send the row as the caller ``token_for(path)`` names (through ``send`` when given), and check its
    answer is the row's problem."""
    method, template, payload, field, status = row
    path = template.format(**shop)
    token = token_for(path)
    reply = send(method, path, payload, token) if send is not None else request(api, method, path, payload, token)
    assert_problem(reply, status, field)
    return reply


def check_rows(
    api: ApiClient,
    rows: list[Row],
    shop: dict[str, str],
    token_for: Callable[[str], str],
    state: Callable[[], Any],
    send: Send | None = None,
) -> None:
    """Send every row to the one shop, in turn: each must be refused as it says and leave ``state()`` as it
    was before the first row. A row that changed anything fails at once, named, before the next is sent."""
    before = state()
    for row in rows:
        try:
            send_bad_row(api, row, shop, token_for, send)
            after = state()
            if after != before:
                raise AssertionError(f"it changed the shop: {_difference(before, after)}")
        except AssertionError as failed:
            raise AssertionError(f"{label(row)}: {failed}") from failed


def _difference(before: Any, after: Any, where: str = "state") -> str:
    """Where two states first differ, and how."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            if key not in before or key not in after or before[key] != after[key]:
                return _difference(before.get(key, "<absent>"), after.get(key, "<absent>"), f"{where}[{key!r}]")
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for n, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:
                return _difference(old, new, f"{where}[{n}]")
    return f"{where} was {_SHORT.repr(before)}, is now {_SHORT.repr(after)}"


def assert_problem(reply: Reply, status: int, field: str = "") -> None:
    """The answer is an RFC 9457 problem of ``status``, naming ``field`` among its errors when one is given."""
    assert reply.status == status, f"answered {reply.status}, not {status}: {reply.body}"
    content_type = reply.headers.get("Content-Type", "")
    assert content_type.startswith("application/problem+json"), f"answered {content_type}, not a problem"
    assert reply.body["status"] == status, reply.body
    if field:
        assert field in reply.problem_fields, f"the problem names {reply.problem_fields}, not {field!r}: {reply.body}"
