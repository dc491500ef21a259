"""The web client as served by ``marketplace serve``: the shell at every page's path with its security
headers, and the client's files under a fingerprinted name, cached for a year and gzipped."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest
import requests

from entrypoints.web import SITE
from tests.support.server import ServerThread

PAGES = ["/", "/search?q=tea", "/products/0190", "/cart", "/orders/1", "/account", "/seller", "/seller/products/new"]
PAGES += ["/admin", "/admin/sagas/abc", "/carrier", "/login?next=/checkout"]


def _get(server: ServerThread, path: str, **kw: object) -> requests.Response:
    return requests.get(server.base_url + path, timeout=30, **kw)  # type: ignore[arg-type]


def _version(server: ServerThread) -> str:
    found = re.search(r'src="/assets/([0-9a-f]{12})/js/app\.js"', _get(server, "/").text)
    assert found, "the shell loads app.js from a fingerprinted path"
    return found.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_the_shell_with_its_policy(server: ServerThread, path: str) -> None:
    page = _get(server, path)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache"  # a deploy shows at the next load
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    policy = dict(part.split(" ", 1) for part in page.headers["Content-Security-Policy"].split("; "))
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert '<main id="main"' in page.text


def test_the_policy_lets_the_pages_reach_the_cdn_and_the_upload_urls(server: ServerThread) -> None:
    policy = _get(server, "/").headers["Content-Security-Policy"]
    settings = server.settings
    cdn = urlsplit(settings.cdn_base_url)
    assert f"{cdn.scheme}://{cdn.netloc}" in policy.split("img-src ")[1].split(";")[0]
    connect = policy.split("connect-src ")[1].split(";")[0]
    if settings.uses_infra:  # sellers' browsers send images to the bucket's presigned URLs
        s3 = urlsplit(settings.s3_public_endpoint_url or settings.s3_endpoint_url)
        assert connect == f"'self' {s3.scheme}://{s3.netloc}"
    else:  # the memory store's upload route, at the app's public address
        public = urlsplit(settings.public_base_url)
        assert connect == f"'self' {public.scheme}://{public.netloc}"


def test_what_is_not_a_page_is_still_a_problem(server: ServerThread) -> None:
    for path in ("/nowhere", "/api/v1/nowhere", "/searching", "/assets/js/app.js"):
        answer = _get(server, path)
        assert answer.status_code == 404, path
        assert answer.headers["Content-Type"].startswith("application/problem+json"), path


def test_the_files_are_fingerprinted_cached_for_a_year_and_gzipped(server: ServerThread) -> None:
    version = _version(server)
    plain = _get(server, f"/assets/{version}/js/app.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.content == (SITE / "js" / "app.js").read_bytes()
    assert "Content-Encoding" not in plain.headers

    raw = requests.get(
        server.base_url + f"/assets/{version}/css/app.css", headers={"Accept-Encoding": "gzip"}, timeout=30, stream=True
    )
    assert raw.headers["Content-Encoding"] == "gzip"
    assert raw.headers["Vary"] == "Accept-Encoding"
    body = raw.raw.read()
    assert len(body) < len((SITE / "css" / "app.css").read_bytes())
    assert gzip.decompress(body) == (SITE / "css" / "app.css").read_bytes()


def test_only_the_sites_files_are_served(server: ServerThread) -> None:
    version = _version(server)
    for path in ("js/missing.js", "index.html", "../__init__.py", "..%2F__init__.py", "js/../../__init__.py"):
        assert _get(server, f"/assets/{version}/{path}").status_code == 404, path


def test_another_versions_name_is_not_cached_for_long(server: ServerThread) -> None:
    """A page loaded before a deploy asks for its version's files: it gets today's, not for a year."""
    version = _version(server)
    other = "0" * 12 if version != "0" * 12 else "1" * 12
    answer = _get(server, f"/assets/{other}/js/app.js")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"


def test_robots_keep_crawlers_out_of_the_api_and_the_consoles(server: ServerThread) -> None:
    robots = _get(server, "/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /api/" in robots.text
    assert "Disallow: /admin/" in robots.text
