"""No input makes the API fail: text no client should send, in every path segment and every query parameter
of every route the served API document lists, anonymous and as a logged-in customer, is answered with a
4xx (or a 2xx the document lists), never a 5xx; and what the app answers is a status its document lists.

The bad-input tables (test_bad_input_*.py) check each route's own rules, field by field; this is their
generic row, sent everywhere at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.http import ApiClient, Reply

PASSWORD = "correct horse battery"
SOME_ID = "01900000-0000-7000-8000-000000000000"
PATH_PARAM = re.compile(r"{([^}]+)}")

# Values as they appear in the URL (percent-encoded where they must be): non-ASCII text, a right-to-left
# override, control characters, "%00" as text, a lone surrogate and a bare continuation byte (invalid
# UTF-8), a line break, dot segments, and very long strings, ASCII and not.
NASTY = {
    "non-ASCII": "%C3%BC",
    "right-to-left override": "%E2%80%AE",
    "NUL": "%00",
    "unit separator": "%1F",
    "'%00' as text": "%2500",
    "lone surrogate": "%ED%A0%80",
    "invalid UTF-8": "%FF%FE",
    "CR LF": "%0D%0A",
    "dot segment": "..",
    "long": "a" * 5000,
    "long non-ASCII": "%C3%BC" * 1000,
}


@pytest.fixture
def document(api: ApiClient) -> dict[str, Any]:
    reply = api.get("/api/openapi.json")
    assert reply.status == 200
    body: dict[str, Any] = reply.body
    return body


# Routes that end the caller's session: sent last, so the customer's token is good for every other one.
ENDS_SESSIONS = ("logout", "logout_everywhere")


def _plain(schema: dict[str, Any]) -> str:
    """A value of ``schema`` that is fine on its own, for the parameters not under test."""
    if "enum" in schema:
        return str(schema["enum"][0])
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds or "number" in kinds:
        return str(schema.get("minimum", 1))
    if "boolean" in kinds:
        return "true"
    return "ab"


def _requests(document: dict[str, Any]) -> Iterator[tuple[str, str, str, set[int]]]:
    """(method, URL path and query, what is bad in it, the statuses the document lists), for every route."""
    operations = [
        (template, method, operation)
        for template, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    operations.sort(key=lambda o: o[2]["operationId"] in ENDS_SESSIONS)
    for template, method, operation in operations:
        documented = {int(status) for status in operation["responses"]}
        query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        # The required parameters, fine: each bad value must get past "is required" to where it is read.
        plain = {name: _plain(p["schema"]) for name, p in query.items() if p["required"]}
        base = PATH_PARAM.sub(SOME_ID, template)
        for name in PATH_PARAM.findall(template):
            for label, value in NASTY.items():
                filled = PATH_PARAM.sub(lambda m, n=name, v=value: v if m.group(1) == n else SOME_ID, template)
                yield method.upper(), _url(filled, plain), f"{label} in the path's {name}", documented
        for name in query:
            for label, value in NASTY.items():
                url = _url(base, {**plain, name: value})
                yield method.upper(), url, f"{label} in the query's {name}", documented
        # And as a parameter's name, where no route expects one.
        bad_name = {**plain, NASTY["lone surrogate"] + NASTY["NUL"]: "1"}
        yield method.upper(), _url(base, bad_name), "a nasty parameter name", documented


def _url(path: str, query: dict[str, str]) -> str:
    return f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else path


def _flaw(reply: Reply, documented: set[int], what: str) -> str | None:
    """What is wrong with the answer, if anything."""
    status, problem = reply.status, reply.headers.get("Content-Type", "").startswith("application/problem+json")
    if status >= 500:
        return f"{status} {reply.body!r:.300}"
    if status < 400 or (status == 400 and not problem):  # the HTTP server's own 400, which every route lists
        return None if status in documented else f"{status}, not documented"
    if not problem:
        return f"{status} is not a problem document: {reply.body!r:.300}"
    if status in documented:
        return None
    if what.startswith("dot segment in the path") and (
        str(reply.body["detail"]).startswith("no route matches") or status == 405
    ):
        return None  # "a/.." is "a/" (RFC 3986): another path, which no route serves (or not with this method)
    return f"{status}, not documented ({', '.join(map(str, sorted(documented)))}): {reply.body!r:.300}"


def _customer(api: ApiClient) -> str:
    api.post("/api/v1/auth/register", {"email": "ann@example.com", "password": PASSWORD, "display_name": "Ann"})
    token: str = api.post("/api/v1/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body["token"]
    return token


@pytest.mark.parametrize("caller", ["anonymous", "customer"])
def test_no_input_gets_a_server_error_or_an_undocumented_status(
    api: ApiClient, document: dict[str, Any], caller: str
) -> None:
    token = _customer(api) if caller == "customer" else ""
    client = ApiClient(api.base_url)  # no settling after each write: only the answers are looked at
    failures: list[str] = []
    sent = 0
    for method, url, what, documented in _requests(document):
        reply = client.request(method, url, token=token)
        sent += 1
        flaw = _flaw(reply, documented, what)
        if flaw is not None:
            failures.append(f"{method} {url[:120]} ({what}): {flaw}")
    assert sent > 1000
    assert not failures, f"{len(failures)} of {sent} answers are wrong:\n" + "\n".join(failures[:40])
