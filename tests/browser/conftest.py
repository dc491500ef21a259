"""The web client in a real browser: Debian's Chromium driven by Playwright, against the shop on the memory
profile (the pages are the same on infra; what the browser sees does not depend on the adapters).

Every test's page is watched: an uncaught script error, a Content-Security-Policy violation or a request
to an API operation that /api/openapi.json does not document fails the test (the client is a client of
the public API only). Pages are waited on by what they show, never by sleeping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

from tests.support.browser import ApiDocument
from tests.support.http import ApiClient
from tests.support.sandboxes import free_port
from tests.support.server import ServerThread
from tests.support.settings import memory_settings

CHROMIUM = os.environ.get("MARKETPLACE_CHROMIUM", "/usr/bin/chromium")
# What a page shows is waited for up to 10 s (Playwright's default is 5): CI's two cores run the shop, the
# browser and the test at once.
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server() -> Iterator[ServerThread]:
    """The shop the browser tests share (each test starts it afresh through ``api``), on a port known
    before it starts so the product images' and the upload URLs point at it."""
    port = free_port()
    here = f"http://127.0.0.1:{port}"
    thread = ServerThread(memory_settings(public_base_url=here, cdn_base_url=f"{here}/media"), port=port).start()
    try:
        yield thread
    finally:
        thread.stop()


@pytest.fixture(scope="session")
def base_url(server: ServerThread) -> str:
    return server.base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: scripts/test installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def api_document(server: ServerThread) -> ApiDocument:
    return ApiDocument(ApiClient(server.base_url).get("/api/openapi.json").body)


# Every API request the browser tests made, as (method, path and query): checked test by test, and kept
# here for the session's summary.
REQUESTS: list[tuple[str, str]] = []


@pytest.fixture(autouse=True)
def watched(page: Page, api_document: ApiDocument) -> Iterator[Page]:
    """The test's page, failing the test on a script error, a CSP violation or an undocumented call."""
    problems: list[str] = []
    requests: list[tuple[str, str]] = []

    def on_request(request: Request) -> None:
        requests.append((request.method, request.url))

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and "/api/" not in response.url:
            problems.append(f"{response.status} for {response.url}")  # a missing module, image or stylesheet

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("dialog", lambda dialog: problems.append(f"a dialog opened: {dialog.message}"))
    yield page
    undocumented = [f"{method} {url}: {why}" for method, url in requests if (why := api_document.refuses(method, url))]
    REQUESTS.extend(requests)
    assert not problems, problems
    assert not undocumented, undocumented
