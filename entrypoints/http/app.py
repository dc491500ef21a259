"""The API gateway: one aiohttp application serving every context's route groups."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from config.container import Runtime
from config.contexts import CONTEXTS
from entrypoints.http import ops, uploads
from entrypoints.http.access_log import AccessLog
from entrypoints.http.gateway import Gateway, HttpMetrics, template
from entrypoints.http.keys import RUNTIME_KEY
from entrypoints.http.openapi import build_document
from entrypoints.http.routing import Endpoint, to_aiohttp
from entrypoints.web import add_routes as add_client_routes
from ports.storage import UploadRoute


def all_endpoints() -> list[Endpoint]:
    return [endpoint for context in CONTEXTS if context.endpoints for endpoint in context.endpoints.ENDPOINTS]


def create_app(runtime: Runtime, endpoints: Iterable[Endpoint] | None = None) -> web.Application:
    endpoints = list(endpoints if endpoints is not None else all_endpoints())
    registry = runtime.metrics
    access = AccessLog()
    gateway = Gateway(HttpMetrics(registry), runtime.settings.trust_forwarded_for, access, runtime.tracing)
    app = web.Application(client_max_size=runtime.settings.max_body_bytes)

    async def flush_access_log(_: web.Application) -> None:
        access.flush()

    app.on_cleanup.append(flush_access_log)
    app[RUNTIME_KEY] = runtime
    app[ops.REGISTRY_KEY] = registry
    # PUT /uploads is the in-memory store's upload route; on S3 clients upload to the bucket's own URLs.
    upload_route = runtime.provides(UploadRoute)
    app[ops.DOCUMENT_KEY] = build_document(endpoints, {**ops.OPS_PATHS, **uploads.paths(upload_route)}, ops.version())
    for endpoint in endpoints:
        handler = gateway.wrap(to_aiohttp(endpoint), template(endpoint.full_path))
        app.router.add_route(endpoint.method, endpoint.full_path, handler)
    ops.add_routes(app, gateway)
    uploads.add_routes(app, gateway, upload_route=upload_route)  # the upload route (memory) and GET /media
    add_client_routes(app, gateway, runtime.settings)  # the web client's pages and files
    gateway.add_unmatched(app)
    return app
