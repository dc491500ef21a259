"""A browser's session: its token in an HttpOnly cookie the gateway accepts beside the bearer header, and
every change the cookie authenticates guarded by the session's CSRF token."""

from __future__ import annotations

from typing import Any

import requests

from tests.support.http import ApiClient

PASSWORD = "correct horse battery"
SESSION = "/api/v1/auth/session"
COOKIE = "marketplace_session"


def _browser(api: ApiClient) -> tuple[requests.Session, dict[str, Any], requests.Response]:
    """A browser that registered and opened a session: its cookie jar, the session, the raw answer."""
    body = {"email": "ann@example.com", "password": PASSWORD, "display_name": "Ann"}
    assert api.post("/api/v1/auth/register", body).status == 201
    browser = requests.Session()
    opened = browser.post(api.base_url + SESSION, json={"email": "ann@example.com", "password": PASSWORD}, timeout=30)
    assert opened.status_code == 201, opened.text
    return browser, opened.json(), opened


def test_the_session_cookie_is_out_of_page_scripts_reach(api: ApiClient) -> None:
    _, session, opened = _browser(api)
    cookie = opened.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="):
        assert attribute in cookie, cookie
    assert "Secure" not in cookie  # plain HTTP here; over TLS it is Secure
    assert "token" not in session  # the answer holds no credential a script could read
    assert set(session) == {"user_id", "csrf_token", "expires_at"}
    assert opened.headers["Cache-Control"] == "no-store"


def test_the_cookie_authenticates_reads_and_guarded_changes(api: ApiClient) -> None:
    browser, session, _ = _browser(api)
    base = api.base_url
    me = browser.get(base + "/api/v1/me", timeout=30)
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "ann@example.com"
    assert browser.get(base + SESSION, timeout=30).json()["csrf_token"] == session["csrf_token"]

    profile = {"display_name": "Ann B."}
    refused = browser.patch(base + "/api/v1/me/profile", json=profile, timeout=30)
    assert refused.status_code == 403, refused.text  # another site's page could send this: no CSRF token
    assert refused.json()["detail"].endswith("needs the X-CSRF-Token header of its session")
    forged = browser.patch(base + "/api/v1/me/profile", json=profile, headers={"X-CSRF-Token": "0" * 64}, timeout=30)
    assert forged.status_code == 403
    assert browser.get(base + "/api/v1/me/profile", timeout=30).json()["display_name"] == "Ann"  # unchanged

    guarded = {"X-CSRF-Token": session["csrf_token"]}
    changed = browser.patch(base + "/api/v1/me/profile", json=profile, headers=guarded, timeout=30)
    assert changed.status_code == 200, changed.text
    assert browser.get(base + "/api/v1/me/profile", timeout=30).json()["display_name"] == "Ann B."


def test_logging_out_ends_the_session_and_clears_the_cookie(api: ApiClient) -> None:
    browser, session, _ = _browser(api)
    base = api.base_url
    token = browser.cookies[COOKIE]
    assert browser.delete(base + SESSION, timeout=30).status_code == 403  # a change: the CSRF token too
    closed = browser.delete(base + SESSION, headers={"X-CSRF-Token": session["csrf_token"]}, timeout=30)
    assert closed.status_code == 204
    assert COOKIE not in browser.cookies
    # The token is dead on every path: replayed as a cookie, a 401 that clears it; as a bearer, a 401.
    replayed = requests.get(base + "/api/v1/me", cookies={COOKIE: token}, timeout=30)
    assert replayed.status_code == 401
    assert replayed.headers["Set-Cookie"].startswith(f"{COOKIE}=;")
    assert "Max-Age=0" in replayed.headers["Set-Cookie"]
    assert api.get("/api/v1/me", token=token).status == 401


def test_a_guest_with_unrelated_cookies_is_a_guest(api: ApiClient) -> None:
    answer = requests.get(api.base_url + "/api/v1/products", cookies={"theme": "dark"}, timeout=30)
    assert answer.status_code == 200
