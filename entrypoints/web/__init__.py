"""The web client: the storefront, the seller console, the back office and the carrier's page.

The client is a client of the public API only, as the seed's web, mobile, seller and logistics clients are:
its pages call documented operations and nothing else. It needs no build: ``site/`` holds the HTML shell,
standard JavaScript modules and CSS as they are served.

``marketplace serve`` serves it (``add_routes``), and so does the edge on infra (deploy/nginx):

- every page (``/``, ``/search``, ``/products/<id>``, ``/seller/...``, ``/admin/...``, ``PAGES``) is the same
  shell, ``site/index.html``, whose scripts route in the browser. It is never cached for long (a deploy shows
  at the next load) and carries the Content-Security-Policy: scripts and styles from this origin only, no
  inline script, images from here and the CDN, connections to here and the object store's upload URLs;
- the files under ``site/`` are at ``/assets/<version>/<path>``, where ``<version>`` is a digest of every
  file: a fingerprint shared by all of them, so the modules' relative imports stay fingerprinted too, and
  every file may be cached for a year (``immutable``). They are read once, at start, and kept gzipped.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import re
from pathlib import Path

import attrs
from aiohttp import web

from config.settings import Settings, origin
from entrypoints.http.gateway import Gateway, template

SITE = Path(__file__).parent / "site"
SHELL = "index.html"
# The first segment of every page the client routes (site/js/routes.js): each is the shell.
PAGES = ("search", "products", "sellers", "cart", "checkout", "orders", "login", "register", "account")
CONSOLES = ("seller", "admin", "carrier")
VERSION_LENGTH = 12
ASSET_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "no-cache"
COMPRESSIBLE = (".js", ".css", ".svg", ".html", ".json", ".txt", ".webmanifest")
TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}
# The router's table (site/js/routes.js): each page's path and module, read so that a page's shell preloads
# the module that renders it (one round trip fewer before the page shows).
ROUTE = re.compile(r'path: "([^"]+)", module: "\./([^"]+)"')
PAGE_MODULE = "<!--page-module-->"
ROBOTS = "User-agent: *\nDisallow: /api/\nDisallow: /seller/\nDisallow: /admin/\nDisallow: /carrier\n"


@attrs.frozen
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str


def content_security_policy(settings: Settings) -> str:
    """What the pages may load: their own scripts and styles (none inline), images from here, data URLs
    and the CDN, and connections to here and to the object store a seller uploads images to."""
    images = " ".join(dict.fromkeys(filter(None, ("'self'", "data:", "blob:", origin(settings.cdn_base_url)))))
    # Upload URLs: the bucket's presigned ones on infra, the memory store's upload route on this app's own URL.
    upload = (
        (settings.s3_public_endpoint_url or settings.s3_endpoint_url)
        if settings.uses_infra
        else settings.public_base_url
    )
    connect = " ".join(dict.fromkeys(filter(None, ("'self'", origin(upload)))))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            f"connect-src {connect}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class WebClient:
    """The client's files, read once: each kept as it is and gzipped, under one version for all."""

    def __init__(self, root: Path = SITE) -> None:
        self.root = root
        self.assets: dict[str, Asset] = {}
        digest = hashlib.sha256()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            body = path.read_bytes()
            digest.update(name.encode() + b"\0" + body + b"\0")
            suffix = path.suffix
            content_type = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
            gzipped = gzip.compress(body, 9, mtime=0) if suffix in COMPRESSIBLE else None
            self.assets[name] = Asset(body, gzipped, content_type)
        self.version = digest.hexdigest()[:VERSION_LENGTH]
        self.shell = self.assets[SHELL].body.decode().replace("{{version}}", self.version)
        self.routes = [
            (re.compile("^" + re.sub(r":[a-z]+", "[^/]+", path) + "/?$"), module)
            for path, module in ROUTE.findall(self.assets["js/routes.js"].body.decode())
        ]
        self.pages: dict[str, Asset] = {}

    def page(self, path: str) -> Asset:
        """The shell for ``path``, preloading the module of its page."""
        module = next((module for pattern, module in self.routes if pattern.match(path)), "")
        found = self.pages.get(module)
        if found is None:
            preload = f'<link rel="modulepreload" href="/assets/{self.version}/js/{module}">' if module else ""
            body = self.shell.replace(PAGE_MODULE, preload).encode()
            found = self.pages[module] = Asset(body, gzip.compress(body, 9, mtime=0), "text/html")
        return found


@functools.cache
def default_client() -> WebClient:
    """The client as this checkout holds it, read at the first app made (tests make many)."""
    return WebClient()


def _answer(request: web.Request, asset: Asset, headers: dict[str, str]) -> web.Response:
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    response = web.Response(body=asset.gzipped if accepts_gzip and asset.gzipped else asset.body, headers=headers)
    response.content_type = asset.content_type
    if asset.content_type.startswith("text/"):
        response.charset = "utf-8"
    if asset.gzipped is not None:
        response.headers["Vary"] = "Accept-Encoding"
        if accepts_gzip:
            response.headers["Content-Encoding"] = "gzip"
    return response


def add_routes(app: web.Application, gateway: Gateway, settings: Settings, client: WebClient | None = None) -> None:
    client = client or default_client()
    page_headers = {
        "Cache-Control": PAGE_CACHE,
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }

    async def page(request: web.Request) -> web.Response:
        return _answer(request, client.page(request.path), page_headers)

    async def asset(request: web.Request) -> web.Response:
        found = client.assets.get(request.match_info["path"])
        if found is None or request.match_info["path"] == SHELL:
            raise web.HTTPNotFound()
        # Another version's name (a page loaded before a deploy) still gets today's file, but not for long.
        cache = ASSET_CACHE if request.match_info["version"] == client.version else PAGE_CACHE
        return _answer(request, found, {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"})

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text=ROBOTS, content_type="text/plain")

    sections = "|".join(PAGES + CONSOLES)
    for path, handler in (
        ("/", page),
        (f"/{{page:(?:{sections})(?:/.*)?}}", page),
        (f"/assets/{{version:[0-9a-f]{{{VERSION_LENGTH}}}}}/{{path:[A-Za-z0-9_./-]+}}", asset),
        ("/robots.txt", robots),
    ):
        route = "/{page}" if handler is page and path != "/" else path
        app.router.add_get(path, gateway.wrap(handler, template(route)))
