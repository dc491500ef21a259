"""What every request goes through, once: its id, errors as problems, metrics and the access log.

One layer does it all, in the order a request needs it: it names the request (``X-Request-ID``, the
correlation id of every event the request causes), runs the route, turns what the route raised into an
RFC 9457 problem, then counts the answer by route template and writes its access line (batched, see
``access_log``). It wraps each route's handler when the route is added (``Gateway.wrap``), with the
route's template already known, rather than running as an aiohttp middleware: a middleware chain costs
every request some microseconds of aiohttp's own machinery, and a per-request lookup of the template.
A last catch-all route answers what no route matches: a 404 problem, or a 405 naming the methods the
path allows.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Protocol

from aiohttp import web
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from core.shared.errors import DomainError
from core.shared.events import correlation_id
from entrypoints.http.access_log import AccessLog
from entrypoints.http.keys import REQUEST_ID
from entrypoints.http.problems import domain_problem, problem_response

log = logging.getLogger("marketplace.http")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{1,128}")
_PARAMETER = re.compile(r"{([^}:]+)(:[^}]*)?}")
UNMATCHED = "unmatched"


class RequestIds:
    """Unique request ids without a syscall each: a random prefix per process, then a counter (32 hex
    digits, as a uuid4's hex would be)."""

    def __init__(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.counter = itertools.count(1)

    def new(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class HttpMetrics:
    """Requests by route template, method and status, and their latency, as Prometheus reads them.

    A request adds to plain counters (the loop is one thread: no lock); the metric families are built
    only when ``/metrics`` is scraped. Registered on ``registry`` as a collector.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.in_flight = 0
        self._requests: dict[tuple[str, str, int], int] = {}
        # (route, method) -> [count per bucket (the last one +Inf, not cumulative), sum of seconds]
        self._latency: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
        registry.register(self)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        self._requests[key] = self._requests.get(key, 0) + 1
        latency = self._latency.get((route, method))
        if latency is None:
            latency = self._latency[(route, method)] = ([0] * (len(BUCKETS) + 1), [0.0])
        latency[0][bisect.bisect_left(BUCKETS, seconds)] += 1
        latency[1][0] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "marketplace_http_requests",
            "HTTP requests by route template, method and status.",
            labels=["route", "method", "status"],
        )
        for (route, method, status), count in self._requests.items():
            requests.add_metric([route, method, str(status)], count)
        latency = HistogramMetricFamily(
            "marketplace_http_request_duration_seconds",
            "HTTP request latency by route template and method.",
            labels=["route", "method"],
        )
        for (route, method), (counts, total) in self._latency.items():
            cumulative = list(itertools.accumulate(counts))
            bounds = [*(str(b) for b in BUCKETS), "+Inf"]
            latency.add_metric([route, method], list(zip(bounds, cumulative, strict=True)), total[0])
        in_flight = GaugeMetricFamily("marketplace_http_requests_in_flight", "HTTP requests being served.")
        in_flight.add_metric([], self.in_flight)
        return iter((requests, latency, in_flight))


def template(path: str) -> str:
    """A route's path as its metrics label: ``/uploads/{key:.+}`` is ``/uploads/{key}``."""
    return _PARAMETER.sub(r"{\1}", path)


def client_address(request: web.Request, trust_forwarded_for: bool) -> str:
    if trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.remote or ""


class RequestTracing(Protocol):
    """What the gateway needs of the runtime's tracing (``adapters.tracing.Tracing``): a server span per
    request, begun once the request id (the correlation id, which keys the trace) is set."""

    on: bool

    def begin_request(self, method: str, route: str, path: str, headers: Any) -> Any: ...

    def end_request(self, opened: Any, status: int) -> None: ...


class Gateway:
    def __init__(
        self,
        metrics: HttpMetrics,
        trust_forwarded_for: bool,
        access: AccessLog | None = None,
        tracing: RequestTracing | None = None,
    ) -> None:
        self.metrics, self.trust_forwarded_for = metrics, trust_forwarded_for
        self.access = access or AccessLog()
        self.ids = RequestIds()
        # None when nothing is traced: a request then pays one comparison for it.
        self.tracing = tracing if tracing is not None and tracing.on else None

    def wrap(self, handler: Handler, route: str) -> Handler:
        """``handler`` as every request of the route ``route`` (its template) goes through it."""
        metrics, access, ids, trust_forwarded_for = self.metrics, self.access, self.ids, self.trust_forwarded_for
        tracing = self.tracing

        async def gateway(request: web.Request) -> web.StreamResponse:
            given = request.headers.get("X-Request-ID")
            request_id = given if given and _SAFE_REQUEST_ID.fullmatch(given) else ids.new()
            request[REQUEST_ID] = request_id
            token = correlation_id.set(request_id)
            traced = None
            if tracing is not None:
                traced = tracing.begin_request(request.method, route, request.path, request.headers)
            started = time.perf_counter()
            metrics.in_flight += 1
            status = 500
            try:
                try:
                    response = await handler(request)
                except DomainError as error:
                    response = domain_problem(request, error)
                except web.HTTPException as exc:
                    if exc.status < 400:
                        status = exc.status
                        raise
                    response = _http_problem(request, exc)
                except ConnectionResetError:
                    # The client went away mid-request: nobody to answer, and nothing wrong on our side.
                    log.info(
                        "%s %s: the client closed the connection (id %s)", request.method, request.path, request_id
                    )
                    raise
                except Exception:
                    log.exception("unhandled error in %s %s (request id %s)", request.method, request.path, request_id)
                    response = problem_response(
                        request, 500, "something went wrong on our side; the request id identifies it"
                    )
                status = response.status
                response.headers["X-Request-ID"] = request_id
                return response
            finally:
                metrics.in_flight -= 1
                if tracing is not None:
                    tracing.end_request(traced, status)
                correlation_id.reset(token)
                elapsed = time.perf_counter() - started
                metrics.observe(route, request.method, status, elapsed)
                access.record(
                    request.method,
                    request.path,
                    status,
                    elapsed,
                    request_id,
                    client_address(request, trust_forwarded_for),
                )

        gateway.__name__ = getattr(handler, "__name__", "gateway")
        return gateway

    def add_unmatched(self, app: web.Application) -> None:
        """The catch-all route, added last: what no other route matches is a 404, or a 405 when another
        route has the path but not the method."""
        catch_all = app.router.add_route("*", "/{path:.*}", self.wrap(_unmatched, UNMATCHED))
        app[_CATCH_ALL] = catch_all.resource


_CATCH_ALL: web.AppKey[Any] = web.AppKey("catch_all")


async def _unmatched(request: web.Request) -> web.StreamResponse:
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if resource is not request.app[_CATCH_ALL]:
            match, methods = await resource.resolve(request)
            if match is None:
                allowed |= methods
    if allowed:
        raise web.HTTPMethodNotAllowed(request.method, sorted(allowed))
    raise web.HTTPNotFound()


def _http_problem(request: web.Request, exc: web.HTTPException) -> web.Response:
    """aiohttp's own refusals (no such route, wrong method, body too large...) as problems."""
    if exc.status == 413:
        return problem_response(request, 413, "the request body is larger than this API accepts", code="body_too_large")
    headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
    detail = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
    if exc.status == 404:
        detail = f"no route matches {request.path}"
    elif exc.status == 405 and headers:
        detail = f"{request.method} is not allowed here; use {headers['Allow']}"
    return problem_response(request, exc.status, detail, headers=headers)
