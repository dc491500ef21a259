"""The gateway's middlewares, outermost first: request id, access log and metrics, errors."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from core.shared.errors import DomainError
from core.shared.events import correlation_id
from entrypoints.http.keys import CLIENT_ADDRESS, REQUEST_ID
from entrypoints.http.problems import domain_problem, problem_response

log = logging.getLogger("marketplace.http")
access_log = logging.getLogger("marketplace.access")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "marketplace_http_requests_total",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "marketplace_http_request_duration_seconds",
            "HTTP request latency by route template and method.",
            ["route", "method"],
            registry=registry,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        self.in_flight = Gauge("marketplace_http_requests_in_flight", "HTTP requests being served.", registry=registry)


def _route_label(request: web.Request) -> str:
    # The route template, never the raw path: ids in paths would make the label set unbounded.
    info = request.match_info
    route = getattr(info, "route", None)
    resource = getattr(route, "resource", None)
    if resource is None or getattr(info, "http_exception", None) is not None:
        return "unmatched"
    return str(resource.canonical)


def client_address(request: web.Request, trust_forwarded_for: bool) -> str:
    if trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.remote or ""


def make_middlewares(
    metrics: HttpMetrics, trust_forwarded_for: bool
) -> list[Callable[..., Awaitable[web.StreamResponse]]]:
    @web.middleware
    async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
        request[REQUEST_ID] = request_id
        request[CLIENT_ADDRESS] = client_address(request, trust_forwarded_for)
        token = correlation_id.set(request_id)
        started = time.perf_counter()
        metrics.in_flight.inc()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            metrics.in_flight.dec()
            correlation_id.reset(token)
            elapsed = time.perf_counter() - started
            route = _route_label(request)
            metrics.requests.labels(route, request.method, str(status)).inc()
            metrics.latency.labels(route, request.method).observe(elapsed)
            access_log.info(
                "%s %s %s %.1fms id=%s from=%s",
                request.method,
                request.path,
                status,
                elapsed * 1000,
                request_id,
                request[CLIENT_ADDRESS],
            )

    @web.middleware
    async def problems(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except DomainError as error:
            return domain_problem(request, error)
        except web.HTTPRequestEntityTooLarge:
            return problem_response(
                request, 413, "the request body is larger than this API accepts", code="body_too_large"
            )
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            detail = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
            if exc.status == 404:
                detail = f"no route matches {request.path}"
            elif exc.status == 405 and headers:
                detail = f"{request.method} is not allowed here; use {headers['Allow']}"
            return problem_response(request, exc.status, detail, headers=headers)
        except ConnectionResetError:
            # The client went away mid-request: nobody to answer, and nothing wrong on our side.
            log.info(
                "%s %s: the client closed the connection (request id %s)",
                request.method,
                request.path,
                request.get(REQUEST_ID),
            )
            raise
        except Exception:
            log.exception(
                "unhandled error in %s %s (request id %s)", request.method, request.path, request.get(REQUEST_ID)
            )
            return problem_response(request, 500, "something went wrong on our side; the request id identifies it")

    return [request_context, problems]
