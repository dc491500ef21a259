"""Operational routes: liveness, readiness, metrics, the OpenAPI document and its docs page."""

from __future__ import annotations

import asyncio
import importlib.util
import time
from collections.abc import Awaitable, Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from entrypoints.http.gateway import Gateway, template
from entrypoints.http.keys import RUNTIME_KEY

if TYPE_CHECKING:
    from config.runtime import Runtime

STATIC = Path(__file__).parent / "static"


def _swagger_ui_assets() -> Path:
    """Swagger UI's files as swagger-ui-py ships them (located without importing its web integrations)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed: pip install swagger-ui-py")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


READY_TIMEOUT_SECONDS = 2.0
REGISTRY_KEY: web.AppKey[CollectorRegistry] = web.AppKey("metrics_registry")
DOCUMENT_KEY: web.AppKey[dict[str, Any]] = web.AppKey("openapi_document")


async def live(request: web.Request) -> web.Response:
    return web.json_response({"status": "live"})


async def ready(request: web.Request) -> web.Response:
    """Ready when every adapter answers: 503 names the ones that do not."""
    checks = request.app[RUNTIME_KEY].health_checks

    async def run(check: Any) -> tuple[str, str, float]:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(check.check(), READY_TIMEOUT_SECONDS)
            outcome = "ok"
        except TimeoutError:
            outcome = f"no answer within {READY_TIMEOUT_SECONDS}s"
        except Exception as exc:
            outcome = f"failed: {type(exc).__name__}"
        return check.name, outcome, (time.perf_counter() - started) * 1000

    results = await asyncio.gather(*(run(c) for c in checks))
    healthy = all(outcome == "ok" for _, outcome, _ in results)
    body = {
        "status": "ready" if healthy else "not ready",
        "checks": {name: {"status": outcome, "ms": round(ms, 1)} for name, outcome, ms in results},
    }
    return web.json_response(body, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    registry: CollectorRegistry = request.app[REGISTRY_KEY]
    response = web.Response(body=generate_latest(registry))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[DOCUMENT_KEY])


async def docs(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "docs.html")


async def docs_init(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "init.js")


def docs_assets(root: Path) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Swagger UI's files, from ``root`` and nowhere else."""
    base = root.resolve()

    async def asset(request: web.Request) -> web.StreamResponse:
        found = (base / request.match_info["path"]).resolve()
        if not found.is_relative_to(base) or not found.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(found)

    return asset


def add_routes(app: web.Application, gateway: Gateway) -> None:
    for path, handler in (
        ("/health/live", live),
        ("/health/ready", ready),
        ("/metrics", metrics),
        ("/api/openapi.json", openapi),
        ("/api/docs", docs),
        ("/api/docs/init.js", docs_init),
        ("/api/docs/assets/{path:.+}", docs_assets(_swagger_ui_assets())),
    ):
        app.router.add_get(path, gateway.wrap(handler, template(path)))


def monitoring_app(runtime: Runtime) -> web.Application:
    """What `marketplace consume` and `marketplace work` serve on ``MARKETPLACE_METRICS_PORT`` (or
    ``--metrics-port``): ``/metrics`` for Prometheus, ``/health/live`` and ``/health/ready``, and nothing else."""
    app = web.Application()
    app[RUNTIME_KEY] = runtime
    app[REGISTRY_KEY] = runtime.metrics
    for path, handler in (("/metrics", metrics), ("/health/live", live), ("/health/ready", ready)):
        app.router.add_get(path, handler)
    return app


async def serve_monitoring(runtime: Runtime, host: str, port: int) -> web.AppRunner:
    """``monitoring_app`` listening on ``host``:``port``; ``cleanup()`` the runner returned to stop it."""
    runner = web.AppRunner(monitoring_app(runtime), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def version() -> str:
    try:
        return metadata.version("marketplace")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _plain(description: str, content: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {content: {"schema": {}}}}


OPS_PATHS: dict[str, Any] = {
    "/health/live": {
        "get": {
            "tags": ["ops"],
            "operationId": "live",
            "summary": "The process is up",
            "responses": {"200": _plain("Live")},
        }
    },
    "/health/ready": {
        "get": {
            "tags": ["ops"],
            "operationId": "ready",
            "summary": "Every adapter answers",
            "responses": {"200": _plain("Ready"), "503": _plain("Not ready")},
        }
    },
    "/metrics": {
        "get": {
            "tags": ["ops"],
            "operationId": "metrics",
            "summary": "Prometheus metrics",
            "responses": {"200": _plain("Metrics", "text/plain")},
        }
    },
    "/api/openapi.json": {
        "get": {
            "tags": ["ops"],
            "operationId": "openapi",
            "summary": "This document",
            "responses": {"200": _plain("OpenAPI 3.1")},
        }
    },
    "/api/docs": {
        "get": {
            "tags": ["ops"],
            "operationId": "docs",
            "summary": "The API docs page",
            "responses": {"200": _plain("HTML", "text/html")},
        }
    },
}
