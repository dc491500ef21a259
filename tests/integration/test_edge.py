"""The edge (deploy/nginx) in front of the app: the L7 balancer passes the API and the pages through as they
are, caches the product images as a CDN would, and serves the web client's files from disk.

An nginx of this module's own (the binary scripts/services installs; marked infra with the other tests of
real servers) runs the rendered deploy/nginx/marketplace.conf.template in front of a memory-profile app whose
public and CDN base URLs are the edge's, so its upload URLs and image URLs lead through it. The web client's
files are a throwaway folder made here, not entrypoints/web/site.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
import requests

from ports.storage import ObjectStorage
from tests.support.sandboxes import free_port
from tests.support.server import ServerThread
from tests.support.settings import memory_settings

pytestmark = pytest.mark.infra

ROOT = Path(__file__).resolve().parents[2]
VERSION = "0123456789ab"  # any 12 hex digits: the edge serves the files under every version
ASSET_CACHE = "public, max-age=31536000, immutable"
PASSWORD = "correct horse battery"
# A module long enough to be worth gzipping (the edge leaves out bodies under 256 bytes).
APP_JS = b"".join(b"export const line%d = 'the storefront, line %d';\n" % (i, i) for i in range(40))
# An image's bytes as the store keeps them (it does not look past the PNG signature here).
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _renderer() -> ModuleType:
    """deploy/nginx/render.py, loaded by its path (deploy is no package)."""
    spec = importlib.util.spec_from_file_location("edge_render", ROOT / "deploy" / "nginx" / "render.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nginx() -> str:
    # /usr/sbin is not in every user's PATH.
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        pytest.fail("no nginx: `scripts/services up nginx` installs it (Debian's nginx-light)")
    return found


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@attrs.frozen
class Edge:
    url: str
    port: int
    runtime: Path


def _start_edge(
    folder: Path, upstreams: str, site_root: Path, port: int | None = None
) -> tuple[Edge, subprocess.Popen[bytes]]:
    """An nginx in the foreground on ``port`` (default: a free one), its conf and runtime files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf = folder / "nginx.conf"
    conf.write_text(_renderer().render(f"127.0.0.1:{port}", upstreams, site_root, folder), encoding="utf-8")
    with open(folder / "nginx.out", "wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [_nginx(), "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 10
    while not _accepts(port):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            output = (folder / "nginx.out").read_text(errors="replace")
            log = (folder / "error.log").read_text(errors="replace") if (folder / "error.log").exists() else ""
            pytest.fail(f"nginx did not start:\n{output}\n{log}")
        time.sleep(0.02)
    return Edge(f"http://127.0.0.1:{port}", port, folder), process


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # nginx's fast shutdown
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "js").mkdir()
    (root / "js" / "app.js").write_bytes(APP_JS)
    (root / "css").mkdir()
    (root / "css" / "shop.css").write_text("body { margin: 0 }\n")
    (root / "index.html").write_text("<!doctype html><script src='/assets/{{version}}/js/app.js'></script>\n")
    return root


@contextlib.contextmanager
def shop_behind_an_edge(folder: Path, site: Path, **settings: Any) -> Iterator[tuple[ServerThread, Edge]]:
    """A memory-profile app and an edge in front of it, stopped on leaving."""
    edge_port = free_port()
    edge_url = f"http://127.0.0.1:{edge_port}"
    app = ServerThread(
        memory_settings(
            # Where a browser reaches the shop: its upload URLs and image URLs lead through the edge.
            public_base_url=edge_url,
            cdn_base_url=f"{edge_url}/media",
            trust_forwarded_for=True,
            **settings,
        )
    ).start()
    try:
        edge, process = _start_edge(folder, f"127.0.0.1:{app.port}", site, port=edge_port)
        try:
            yield app, edge
        finally:
            _stop(process)
    finally:
        app.stop()


@pytest.fixture(scope="module")
def app_and_edge(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Iterator[tuple[ServerThread, Edge]]:
    with shop_behind_an_edge(tmp_path_factory.mktemp("edge"), site) as both:
        yield both


@pytest.fixture
def app(app_and_edge: tuple[ServerThread, Edge]) -> ServerThread:
    return app_and_edge[0]


@pytest.fixture
def edge(app_and_edge: tuple[ServerThread, Edge]) -> Edge:
    return app_and_edge[1]


def _get(url: str, **kw: Any) -> requests.Response:
    return requests.get(url, timeout=10, **kw)


def test_an_image_uploaded_through_the_edge_is_fetched_once_then_served_from_its_cache(
    app: ServerThread, edge: Edge
) -> None:
    key = f"products/edge/{uuid.uuid4().hex}.png"
    storage = app.runtime.resolve(ObjectStorage) if app.runtime else None
    assert storage is not None
    target = app.call(storage.upload_target(key, "image/png", len(PNG), timedelta(minutes=5)))
    assert target.url.startswith(edge.url + "/uploads/")
    # Sent in chunks (no Content-Length), as a browser streams a file: the edge passes it on as it comes.
    put = requests.put(target.url, data=iter([PNG[:20], PNG[20:]]), headers=dict(target.headers), timeout=10)
    assert put.status_code == 204, put.text

    first = _get(f"{edge.url}/media/{key}", headers={"Cookie": "theme=dark"})
    second = _get(f"{edge.url}/media/{key}")
    assert (first.status_code, first.headers["X-Cache-Status"]) == (200, "MISS")
    assert (second.status_code, second.headers["X-Cache-Status"]) == (200, "HIT")
    for answer in (first, second):
        assert answer.content == PNG
        assert answer.headers["Content-Type"] == "image/png"
        assert answer.headers["Cache-Control"] == "public, max-age=86400"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "Set-Cookie" not in answer.headers
    assert first.headers["ETag"] == second.headers["ETag"] == _get(f"{app.base_url}/media/{key}").headers["ETag"]

    missing = _get(f"{edge.url}/media/products/edge/nothing.png")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"].startswith("application/problem+json")


def test_the_api_passes_through_as_the_app_answers_and_is_never_cached(app: ServerThread, edge: Edge) -> None:
    direct, through = _get(f"{app.base_url}/api/v1/products"), _get(f"{edge.url}/api/v1/products")
    again = _get(f"{edge.url}/api/v1/products")
    assert (through.status_code, through.headers["Content-Type"]) == (200, direct.headers["Content-Type"])
    assert through.content == direct.content == again.content
    assert again.headers.get("X-Cache-Status") != "HIT"
    assert through.headers["X-Request-ID"] != again.headers["X-Request-ID"]  # each one reached the app

    def problem(answer: requests.Response) -> tuple[int, str, dict[str, Any]]:
        body = answer.json()
        body.pop("request_id")
        return answer.status_code, answer.headers["Content-Type"], body

    for method, path, body in (
        ("GET", f"/api/v1/products/{uuid.uuid4()}", None),
        ("POST", "/api/v1/auth/register", {"email": "not an address", "password": "x"}),
    ):
        at_edge = requests.request(method, edge.url + path, json=body, timeout=10)
        at_app = requests.request(method, app.base_url + path, json=body, timeout=10)
        assert at_edge.headers["Content-Type"].startswith("application/problem+json")
        assert problem(at_edge) == problem(at_app)
        assert at_edge.status_code in (404, 422)


def test_a_browser_session_opened_through_the_edge_gets_its_cookie(edge: Edge) -> None:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    register = {"email": email, "password": PASSWORD, "display_name": "Ann"}
    assert requests.post(f"{edge.url}/api/v1/auth/register", json=register, timeout=10).status_code == 201
    browser = requests.Session()
    opened = browser.post(f"{edge.url}/api/v1/auth/session", json={"email": email, "password": PASSWORD}, timeout=10)
    assert opened.status_code == 201, opened.text
    cookie = opened.headers["Set-Cookie"]
    assert cookie.startswith("marketplace_session=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie, cookie
    assert "Secure" not in cookie  # X-Forwarded-Proto said http
    assert opened.headers["Cache-Control"] == "no-store"
    # The cookie goes back through the edge and authenticates.
    me = browser.get(f"{edge.url}/api/v1/me", timeout=10)
    assert (me.status_code, me.json()["email"]) == (200, email)


def test_pages_and_operations_routes_pass_through(app: ServerThread, edge: Edge) -> None:
    for path in ("/", "/search?q=lamp", "/seller/products", "/health/live", "/metrics", "/api/openapi.json"):
        at_edge, at_app = _get(edge.url + path), _get(app.base_url + path)
        assert at_edge.status_code == at_app.status_code, path
        for header in ("Content-Type", "Cache-Control", "Content-Security-Policy"):
            assert at_edge.headers.get(header) == at_app.headers.get(header), (path, header)


def test_the_client_files_are_served_from_disk_for_a_year(edge: Edge, site: Path) -> None:
    script = _get(f"{edge.url}/assets/{VERSION}/js/app.js", headers={"Accept-Encoding": "gzip"}, stream=True)
    assert script.status_code == 200
    assert script.headers["Cache-Control"] == ASSET_CACHE
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in script.headers["Vary"]
    assert gzip.decompress(script.raw.read()) == APP_JS

    style = _get(f"{edge.url}/assets/fedcba987654/css/shop.css")
    assert (style.status_code, style.headers["Cache-Control"]) == (200, ASSET_CACHE)
    assert style.content == (site / "css" / "shop.css").read_bytes()
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"

    for path in (
        f"/assets/{VERSION}/index.html",  # the shell is a page, not an asset
        f"/assets/{VERSION}/js/missing.js",
        f"/assets/{VERSION}/js",  # a folder
        f"/assets/{VERSION}/js/",
        f"/assets/{VERSION.upper()}/js/app.js",
        "/assets/0123/js/app.js",
        "/assets/js/app.js",
    ):
        answer = _get(edge.url + path, allow_redirects=False)
        assert answer.status_code == 404, path
        assert "immutable" not in answer.headers.get("Cache-Control", ""), path

    # Dot segments, plain or percent-encoded, are resolved before the path is matched: nothing outside the
    # site folder (http.client sends the path as it is written).
    for path in (f"/assets/{VERSION}/../../etc/passwd", f"/assets/{VERSION}/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd"):
        connection = http.client.HTTPConnection("127.0.0.1", edge.port, timeout=10)
        try:
            connection.request("GET", path)
            raw = connection.getresponse()
            assert b"root:" not in raw.read(), path
            assert raw.status in (400, 404), path
        finally:
            connection.close()


def test_a_client_cannot_choose_the_address_the_app_sees(tmp_path: Path, site: Path) -> None:
    """The edge replaces X-Forwarded-For with the client's address, which the app (trusting it) takes for
    the client's: wrong passwords sent under made-up addresses all count against the one real address.
    (A shop of its own: the shop it throttles refuses every login from here for a while.)"""
    limit = 3
    with shop_behind_an_edge(tmp_path, site, login_failures_per_address=limit) as (_, edge):
        statuses = []
        for attempt in range(limit + 1):
            wrong = {"email": f"{uuid.uuid4().hex[:12]}@example.com", "password": "not the password"}
            spoofed = {"X-Forwarded-For": f"203.0.113.{attempt + 1}"}
            answer = requests.post(f"{edge.url}/api/v1/auth/session", json=wrong, headers=spoofed, timeout=10)
            statuses.append(answer.status_code)
    assert statuses == [401] * limit + [429]


def test_while_no_app_answers_the_api_is_a_problem_document(tmp_path: Path, site: Path) -> None:
    closed = free_port()  # nothing listens there
    edge, process = _start_edge(tmp_path / "edge", f"127.0.0.1:{closed}", site)
    try:
        answer = _get(f"{edge.url}/api/v1/products")
        assert (answer.status_code, answer.headers["Content-Type"]) == (502, "application/problem+json")
        assert answer.json()["status"] == 502
        assert answer.headers["Cache-Control"] == "no-store"
        # The files are on disk: they are served all the same.
        assert _get(f"{edge.url}/assets/{VERSION}/js/app.js").status_code == 200
    finally:
        _stop(process)
