"""What the browser tests share: the served OpenAPI document a page's requests are checked against, and
logging in through the login page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from playwright.sync_api import Locator, Page, expect

from features.steps.accounts import World
from features.steps.catalog import Catalog, a_category, has_published
from features.steps.sellers import verified_seller

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
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")


def draft_teapot(page: Page, description: str) -> Locator:
    """On the seller console's new product page: the Blue Teapot (TEA-1, Potter, Kitchen, 25.00) saved as a
    draft with ``description``. The product page's status panel."""
    page.get_by_label("Title").fill("Blue Teapot")
    page.get_by_label("SKU").fill("TEA-1")
    page.get_by_label("Brand").fill("Potter")
    page.get_by_label("Category").select_option(label="Kitchen")
    page.get_by_label("Price").fill("25.00")
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Save the draft").click()
    status = page.locator("section.panel").filter(has=page.get_by_role("heading", name="Status"))
    expect(status.locator(".badge")).to_have_text("Draft")
    return status


def review_in_page(page: Page, stars: int, title: str, text: str) -> None:
    """On a product's "Write a review" form: the review sent, and thanked for."""
    page.get_by_role("radio", name=f"{stars} stars").check()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your review").fill(text)
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("status").filter(has_text="Thank you")).to_be_visible()


def teapot_shop(api: Any, server: Any) -> Catalog:
    """Potter sells a Blue Teapot, in the Kitchen."""
    catalog = Catalog(World(api, server))
    verified_seller(catalog.world, "potter@example.com")
    a_category(catalog, "Kitchen")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 5)
    return catalog
