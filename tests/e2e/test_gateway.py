"""The gateway itself: who may call what, problems, request ids, metrics, health and the API document."""

from __future__ import annotations

import re

import attrs
import pytest
from openapi_spec_validator import validate

from config.container import DATABASES
from entrypoints.http.app import all_endpoints
from entrypoints.http.routing import PUBLIC
from tests.support.http import ApiClient

PASSWORD = "correct horse battery"
PATH_PARAM = re.compile(r"{[^}]+}")
SOME_ID = "01900000-0000-7000-8000-000000000000"


def _customer(api: ApiClient) -> str:
    api.post("/api/v1/auth/register", {"email": "ann@example.com", "password": PASSWORD, "display_name": "Ann"})
    token: str = api.post("/api/v1/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body["token"]
    return token


# The two checks below are the route declarations' (to_aiohttp), alike on both profiles, once a route each:
# on the memory profile only, as the authorization matrix (test_authorization_matrix.py) that covers them
# with every principal. The infra session store's own refusals are test_a_public_route_refuses_... below,
# and the auth feature's, on both profiles.
@pytest.mark.memory_only
@pytest.mark.parametrize(
    "endpoint", [e for e in all_endpoints() if e.authenticated], ids=lambda e: f"{e.method} {e.full_path}"
)
def test_every_protected_route_refuses_anonymous_callers(api: ApiClient, endpoint) -> None:  # type: ignore[no-untyped-def]
    path = PATH_PARAM.sub(SOME_ID, endpoint.full_path)
    for token in ("", "not-a-session-token"):
        reply = api.request(endpoint.method, path, {} if endpoint.body else None, token=token or None)
        assert reply.status == 401, reply.body
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert reply.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.memory_only
@pytest.mark.parametrize(
    "endpoint",
    [e for e in all_endpoints() if e.required_roles],
    ids=lambda e: f"{e.method} {e.full_path}",
)
def test_role_routes_refuse_a_customer(api: ApiClient, endpoint) -> None:  # type: ignore[no-untyped-def]
    token = _customer(api)
    path = PATH_PARAM.sub(SOME_ID, endpoint.full_path)
    reply = api.request(endpoint.method, path, {} if endpoint.body else None, token=token)
    assert reply.status == 403, reply.body


def test_a_public_route_refuses_a_bad_token_as_its_document_says(api: ApiClient) -> None:
    """A client that sends a token believes it is logged in: a revoked, expired or malformed one is a 401 on
    public routes too (never an answer as to a guest), and every route's document lists it."""
    revoked = _customer(api)
    assert api.post("/api/v1/auth/logout", token=revoked).status == 204
    document = api.get("/api/openapi.json").body
    for endpoint in [e for e in all_endpoints() if not e.authenticated]:
        responses = document["paths"][endpoint.full_path][endpoint.method.lower()]["responses"]
        assert "token was sent" in responses["401"]["description"], endpoint.full_path
        path = PATH_PARAM.sub(SOME_ID, endpoint.full_path)
        for header in (f"Bearer {revoked}", "Bearer not-a-session-token", "Basic YW5uOnB3", "Bearer "):
            reply = api.request(endpoint.method, path, {} if endpoint.body else None, headers={"Authorization": header})
            assert reply.status == 401, (endpoint.method, path, header, reply.body)
            assert reply.headers["Content-Type"].startswith("application/problem+json")


def test_a_malformed_authorization_header_is_refused(api: ApiClient) -> None:
    reply = api.get("/api/v1/me", headers={"Authorization": "Basic YW5uOnB3"})
    assert reply.status == 401
    assert "Bearer" in reply.body["detail"]


def test_unknown_route_and_wrong_method_are_problems(api: ApiClient) -> None:
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status == 404
    assert missing.body["instance"] == "/api/v1/no-such-thing"
    wrong = api.request("DELETE", "/api/v1/auth/login")
    assert wrong.status == 405
    assert "POST" in wrong.headers["Allow"]
    assert wrong.headers["Content-Type"].startswith("application/problem+json")


def test_request_ids_are_echoed_or_made(api: ApiClient) -> None:
    given = api.get("/health/live", headers={"X-Request-ID": "trace-123"})
    assert given.headers["X-Request-ID"] == "trace-123"
    unsafe = api.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["X-Request-ID"])
    problem = api.get("/api/v1/me", headers={"X-Request-ID": "trace-456"})
    assert problem.body["request_id"] == "trace-456"


def test_metrics_count_requests_by_route_template(api: ApiClient) -> None:
    token = _customer(api)
    series = 'marketplace_http_requests_total{method="PATCH",route="/api/v1/me/addresses/{address_id}",status="404"}'

    def count() -> float:
        # The server lives for the whole session, so count what this test adds.
        lines = [line for line in api.get("/metrics").body.splitlines() if line.startswith(series + " ")]
        return float(lines[0].split()[-1]) if lines else 0.0

    before = count()
    api.request("PATCH", f"/api/v1/me/addresses/{SOME_ID}", {"city": "Bonn"}, token=token)
    api.request("PATCH", f"/api/v1/me/addresses/{SOME_ID[::-1]}", {"city": "Bonn"}, token=token)
    text = api.get("/metrics").body
    assert count() == before + 2
    assert "marketplace_http_request_duration_seconds_bucket" in text
    assert SOME_ID not in text


def test_health(api: ApiClient, server) -> None:  # type: ignore[no-untyped-def]
    assert api.get("/health/live").status == 200
    ready = api.get("/health/ready")
    assert ready.status == 200
    assert ready.body["status"] == "ready"
    if server.settings.uses_infra:
        servers = {"redis", "kafka", "s3", "elasticsearch", "clickhouse"}
        adapters = {f"postgres.{database}" for database in DATABASES} | servers
        assert set(ready.body["checks"]) == adapters
        assert all(c["status"] == "ok" for c in ready.body["checks"].values())


def test_the_api_document_is_valid_and_describes_every_route(api: ApiClient) -> None:
    document = api.get("/api/openapi.json").body
    validate(document)
    assert document["openapi"].startswith("3.1")
    for endpoint in all_endpoints():
        operation = document["paths"][endpoint.full_path][endpoint.method.lower()]
        assert operation["summary"]
        assert str(endpoint.status if endpoint.response else 204) in operation["responses"]
        # Every route reads a token that is sent (a bad one is 401) and may find a store down (503); the
        # HTTP server refuses what it cannot read (400) before any route runs.
        assert {"400", "401", "503"} <= set(operation["responses"])
        assert "text/plain" in operation["responses"]["400"]["content"]
        if endpoint.authenticated:
            assert operation["security"] == [{"bearer": []}, {"session": []}]
        if endpoint.body is not None:
            assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert "422" in operation["responses"]
    tags = [t["name"] for t in document["tags"]]
    assert {"public: auth", "public: users", "admin: auth", "ops"} <= set(tags)
    for endpoint in all_endpoints():
        [tag] = document["paths"][endpoint.full_path][endpoint.method.lower()]["tags"]
        assert tag.startswith(f"{endpoint.group.name}: ")
        assert tag in tags
    schemas = document["components"]["schemas"]
    assert "password" not in schemas["AccountView"]["properties"]
    assert schemas["RegisterBody"]["properties"]["password"]["writeOnly"] is True


def test_the_docs_page_is_served_without_a_cdn(api: ApiClient) -> None:
    page = api.get("/api/docs")
    assert page.status == 200
    assert "http" not in re.sub(r"<!doctype html>", "", page.body, flags=re.I).split("<body>")[0].lower()
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page.body):
        assert asset.startswith("/"), asset
        assert api.get(asset).status == 200


def test_public_routes_live_under_the_public_prefix() -> None:
    for endpoint in all_endpoints():
        assert endpoint.full_path.startswith(endpoint.group.prefix)
        assert endpoint.full_path.startswith(PUBLIC.prefix)


CREDENTIAL_FIELDS = ("token", "secret", "password")


def _answers_a_credential(endpoint) -> bool:  # type: ignore[no-untyped-def]
    response = endpoint.response
    return attrs.has(response) and any(
        word in field.name for field in attrs.fields(response) for word in CREDENTIAL_FIELDS
    )


def test_every_route_answering_a_credential_says_so() -> None:
    """A new route that hands out a token must be declared ``credential=True``, or this fails."""
    answering = {f"{e.method} {e.full_path}" for e in all_endpoints() if _answers_a_credential(e)}
    declared = {f"{e.method} {e.full_path}" for e in all_endpoints() if e.credential}
    assert (
        answering
        == declared
        == {
            "POST /api/v1/auth/login",
            "POST /api/v1/auth/session",  # the cookie, and the session's CSRF token
            "GET /api/v1/auth/session",
            "POST /api/v1/cart/guest",
        }
    )


def test_answers_carrying_a_credential_are_never_stored(api: ApiClient) -> None:
    """RFC 6749 section 5.1: a token response carries Cache-Control: no-store (and Pragma: no-cache)."""
    api.post("/api/v1/auth/register", {"email": "ann@example.com", "password": PASSWORD, "display_name": "Ann"})
    login = api.post("/api/v1/auth/login", {"email": "ann@example.com", "password": PASSWORD})
    guest = api.post("/api/v1/cart/guest")
    for reply in (login, guest):
        assert reply.status in (200, 201), reply.body
        assert reply.headers["Cache-Control"] == "no-store"
        assert reply.headers["Pragma"] == "no-cache"
    failed = api.post("/api/v1/auth/login", {"email": "ann@example.com", "password": "wrong password!"})
    assert failed.status == 401
    assert "no-store" not in failed.headers.get("Cache-Control", "")
    profile = api.get("/api/v1/me", token=login.body["token"])
    assert profile.status == 200
    assert "Cache-Control" not in profile.headers
    document = api.get("/api/openapi.json").body
    for path, status in (("/api/v1/auth/login", "200"), ("/api/v1/cart/guest", "201")):
        headers = document["paths"][path]["post"]["responses"][status]["headers"]
        assert headers["Cache-Control"]["schema"]["const"] == "no-store"
