"""What the browser tests share: the served OpenAPI document a page's requests are checked against, and
logging in through the login page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from playwright.sync_api import Page, expect

API_PREFIX = "/api/"
# Not operations: the document itself and its docs page.
NOT_OPERATIONS = ("/api/openapi.json", "/api/docs")


class ApiDocument:
    """The operations of an OpenAPI document: for each path template, its methods and their query
    parameters' names."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.operations: list[tuple[re.Pattern[str], str, dict[str, set[str]]]] = []
        for template, item in document["paths"].items():
            shared = [p for p in item.get("parameters", []) if p.get("in") == "query"]
            methods: dict[str, set[str]] = {}
            for method, operation in item.items():
                if method in ("parameters", "summary", "description", "servers"):
                    continue
                query = shared + [p for p in operation.get("parameters", []) if p.get("in") == "query"]
                methods[method.upper()] = {p["name"] for p in query}
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            self.operations.append((pattern, template, methods))

    def refuses(self, method: str, url: str) -> str:
        """Why the request is not a documented operation ("" when it is, or is not an API call)."""
        parts = urlsplit(url)
        if not parts.path.startswith(API_PREFIX) or parts.path.startswith(NOT_OPERATIONS):
            return ""
        for pattern, template, methods in self.operations:
            if pattern.match(parts.path):
                if method not in methods:
                    return f"{template} has no {method}"
                unknown = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)} - methods[method]
                return f"{template} documents no query parameter {sorted(unknown)}" if unknown else ""
        return "no such path in /api/openapi.json"


def log_in(page: Page, email: str, password: str, then: str) -> None:
    """Log in through the storefront's login page (whoever was logged in before is not any more), which
    then shows ``then``."""
    page.context.clear_cookies()
    page.goto(f"/login?next={quote(then, safe='')}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(then)
