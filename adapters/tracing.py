"""Traces: OpenTelemetry spans from the HTTP request through the outbox, Kafka and the consumers to the saga's
commands and the calls to the gateway and the carrier, one trace per customer action (a checkout).

- **The correlation id is the trace's key.** A span that starts a trace (the HTTP request, a consumer with no
  trace context to continue) takes its trace id from the correlation id in ``core.shared.events``: the id
  itself when it is 32 hex digits or a UUID (a request id, an event id: 128 bits, as a W3C trace id), its
  SHA-256 otherwise (a client's own ``X-Request-ID``). The correlation id already travels in every envelope,
  so whatever a checkout causes, in any process, lands in the checkout's trace.
- **Parents travel as W3C ``traceparent``**: in the envelope (written at commit, so it crosses the outbox) and
  in the Kafka record's headers (the producer span), so the spans nest as the work happened.
- **Off costs nothing**: with ``MARKETPLACE_TRACES=none`` the runtime's ``Tracing`` is ``NO_TRACING``; the
  gateway wraps no route, the bus and Kafka take the untraced branch, and ports are not wrapped at all.

The SDK (and the OTLP exporter, the ``otlp`` extra) are imported only when traces are on. A ``Tracing`` holds
its own ``TracerProvider`` (``Tracing(provider)``, tests pass one with an in-memory exporter), never the
process's global one, so several runtimes in one process each keep their spans.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import inspect
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from contextvars import Token
from typing import TYPE_CHECKING, Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, SpanKind, Status, StatusCode, TraceFlags

from core.shared.events import EventEnvelope, correlation_id

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

T = TypeVar("T")
_NOTHING = contextlib.nullcontext()  # what a span costs when nothing is traced: one shared no-op
MODES = ("none", "console", "otlp")
TRACEPARENT = "traceparent"
CORRELATION = "marketplace.correlation_id"
_HEX = frozenset("0123456789abcdef")


def trace_id_of(correlation: str) -> int:
    """The trace id of a correlation id: itself when it is 128 bits in hex (a UUID's dashes dropped)."""
    digits = correlation.replace("-", "").lower()
    if len(digits) == 32 and _HEX.issuperset(digits) and digits != "0" * 32:
        return int(digits, 16)
    return int.from_bytes(hashlib.sha256(correlation.encode()).digest()[:16], "big") or 1


def traceparent_of(span: Span) -> str | None:
    """``span``'s W3C traceparent header, None for no span."""
    ctx = span.get_span_context()
    if not ctx.is_valid:
        return None
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def current_traceparent() -> str | None:
    """The traceparent of the span now running (None when nothing is traced): what an event raised now
    carries, so its consumers' spans are children of the span that committed it."""
    return traceparent_of(trace.get_current_span())


def context_of(traceparent: str | bytes | None) -> otel_context.Context | None:
    """The remote parent a W3C traceparent names, None when it names none (absent, malformed)."""
    if not traceparent:
        return None
    text = traceparent.decode("ascii", "replace") if isinstance(traceparent, bytes) else traceparent
    parts = text.strip().split("-")
    if len(parts) < 4 or parts[0] == "ff" or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    try:
        trace_id, span_id, flags = int(parts[1], 16), int(parts[2], 16), int(parts[3][:2], 16)
    except ValueError:
        return None
    parent = SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(flags))
    if not parent.is_valid:
        return None
    return trace.set_span_in_context(NonRecordingSpan(parent))


def _header(headers: Sequence[tuple[str, bytes]] | None, name: str) -> bytes | None:
    for key, value in headers or ():
        if key == name:
            return value
    return None


class Tracing:
    """The spans one runtime records. ``Tracing(None)`` (``NO_TRACING``) records none, at no cost."""

    def __init__(self, provider: TracerProvider | None) -> None:
        self.provider = provider
        self.on = provider is not None
        self.tracer = provider.get_tracer("marketplace") if provider is not None else trace.NoOpTracer()

    # -- HTTP ---------------------------------------------------------------------------------------------

    def begin_request(
        self, method: str, route: str, path: str, headers: Mapping[str, str]
    ) -> tuple[Span, Token[otel_context.Context]]:
        """The server span of one request, made current; the correlation id (the request id) is set already,
        so a new trace takes it as its id. A caller's own traceparent is linked, not continued: the trace
        stays keyed by the correlation id."""
        caller = context_of(headers.get(TRACEPARENT))
        links = [Link(trace.get_current_span(caller).get_span_context())] if caller is not None else None
        span = self.tracer.start_span(
            f"{method} {route}",
            context=otel_context.Context(),  # a new trace, whatever ran before on this task
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": method,
                "http.route": route,
                "url.path": path,
                CORRELATION: correlation_id.get() or "",
            },
            links=links,
        )
        return span, otel_context.attach(trace.set_span_in_context(span))

    @staticmethod
    def end_request(opened: tuple[Span, Token[otel_context.Context]], status: int) -> None:
        span, token = opened
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR))
        otel_context.detach(token)
        span.end()

    # -- events -------------------------------------------------------------------------------------------

    def produce(self, envelope: EventEnvelope, destination: str, system: str) -> tuple[Span, str]:
        """A producer span for one envelope sent to ``destination`` (the outbox relay's publish), a child of
        the span that committed the event, and the traceparent its record carries. End it once sent."""
        # No traceparent (an event committed untraced): a trace of the correlation id's own.
        parent = context_of(envelope.traceparent) or otel_context.Context()
        with self._correlated(envelope, parent):
            span = self.tracer.start_span(
                f"publish {envelope.type}",
                context=parent,
                kind=SpanKind.PRODUCER,
                attributes=self._message(envelope, destination, system),
            )
        return span, traceparent_of(span) or ""

    def publishing(self, envelope: EventEnvelope, destination: str, system: str) -> AbstractContextManager[Any]:
        """A producer span around handing ``envelope`` on, current meanwhile (the in-process bus)."""
        if not self.on:
            return _NOTHING
        return self.tracer.start_as_current_span(
            f"publish {envelope.type}", kind=SpanKind.PRODUCER, attributes=self._message(envelope, destination, system)
        )

    def consuming(
        self,
        group: str,
        envelope: EventEnvelope,
        system: str,
        headers: Sequence[tuple[str, bytes]] | None = None,
        *,
        remote: bool = False,
    ) -> AbstractContextManager[Any]:
        """A consumer span around one group's handling of ``envelope``. ``remote``: its parent is the
        record's ``traceparent`` header, else the envelope's; otherwise the span now current."""
        if not self.on:
            return _NOTHING
        return self._consuming(group, envelope, system, headers, remote)

    @contextlib.contextmanager
    def _consuming(
        self,
        group: str,
        envelope: EventEnvelope,
        system: str,
        headers: Sequence[tuple[str, bytes]] | None,
        remote: bool,
    ) -> Iterator[None]:
        parent = None
        if remote:
            parent = context_of(_header(headers, TRACEPARENT)) or context_of(envelope.traceparent)
            if parent is None:
                parent = otel_context.Context()  # nothing to continue: a trace of the correlation id's own
        attributes = self._message(envelope, envelope.type, system)
        attributes["messaging.consumer.group.name"] = group
        with self._correlated(envelope, parent):
            span = self.tracer.start_span(
                f"{group} process {envelope.type}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
            )
        with trace.use_span(span, end_on_exit=True):  # a failure is recorded on the span, and goes on
            yield

    @staticmethod
    def _message(envelope: EventEnvelope, destination: str, system: str) -> dict[str, Any]:
        return {
            "messaging.system": system,
            "messaging.destination.name": destination,
            "messaging.message.id": envelope.id,
            "marketplace.event_type": envelope.type,
            CORRELATION: envelope.correlation_id or envelope.id,
        }

    @staticmethod
    @contextlib.contextmanager
    def _correlated(envelope: EventEnvelope, parent: otel_context.Context | None) -> Iterator[None]:
        """While a span that may start a trace is made: the envelope's correlation id, which names it."""
        if parent is None or trace.get_current_span(parent).get_span_context().is_valid:
            yield
            return
        token = correlation_id.set(envelope.correlation_id or envelope.id)
        try:
            yield
        finally:
            correlation_id.reset(token)

    @staticmethod
    def failed(span: Span, error: BaseException | None) -> None:
        if error is not None:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))

    # -- ports --------------------------------------------------------------------------------------------

    def wrap(self, port: T, name: str, *, peer: str | None = None) -> T:
        """``port`` with a span around each of its coroutine methods: ``<name>.<method>``, a client span
        naming ``peer`` for another company's API (the gateway, the carrier), internal otherwise (a desk the
        saga commands). Off: ``port`` itself."""
        if not self.on:
            return port
        return _TracedPort(port, self.tracer, name, peer)  # type: ignore[return-value]

    async def close(self) -> None:
        if self.provider is not None:
            await asyncio.to_thread(self.provider.shutdown)  # flushes what the batch processor holds


NO_TRACING = Tracing(None)


def note_try(status: int | None, outcome: str) -> None:
    """One try of a call to another company's API, on the span of the call (``Tracing.wrap``'s client span):
    its HTTP status, or what went wrong. Nothing when nothing is traced."""
    span = trace.get_current_span()
    if not span.is_recording():
        return
    span.add_event("try", {"outcome": outcome})
    if status is not None:
        span.set_attribute("http.response.status_code", status)


class _TracedPort:
    """A port whose coroutine methods each run in a span of their own; anything else passes through."""

    def __init__(self, port: Any, tracer: trace.Tracer, name: str, peer: str | None) -> None:
        self._port, self._tracer, self._name, self._peer = port, tracer, name, peer

    def __getattr__(self, attribute: str) -> Any:
        target = getattr(self._port, attribute)
        if not inspect.iscoroutinefunction(target):
            return target
        name = f"{self._name}.{attribute}"
        kind = SpanKind.CLIENT if self._peer else SpanKind.INTERNAL
        base: dict[str, Any] = {"peer.service": self._peer} if self._peer else {}

        @functools.wraps(target)
        async def traced(*args: Any, **kwargs: Any) -> Any:
            attributes = dict(base)
            if args and isinstance(args[0], str):
                attributes["marketplace.key"] = args[0]  # the order id a desk acts on, a gateway's key
            with self._tracer.start_as_current_span(name, kind=kind, attributes=attributes):
                return await target(*args, **kwargs)

        setattr(self, attribute, traced)  # made once per method
        return traced


def start_tracing(mode: str, service: str, exporter: SpanExporter | None = None) -> Tracing:
    """The tracing of a process: ``none`` records nothing; ``console`` prints each span as JSON on stdout;
    ``otlp`` sends them by OTLP over HTTP where ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or
    ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) says, ``http://localhost:4318`` by default. ``service`` names
    the process (``OTEL_SERVICE_NAME`` wins). ``exporter`` replaces the mode's (tests)."""
    if mode not in MODES:
        raise ValueError(f"traces must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "none" and exporter is None:
        return NO_TRACING
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

    resource = Resource.create({} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service})
    provider = TracerProvider(resource=resource, id_generator=_correlation_ids())
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif mode == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    else:
        provider.add_span_processor(BatchSpanProcessor(_otlp_exporter()))
    return Tracing(provider)


def tracing_with(exporter: SpanExporter, service: str = "marketplace") -> Tracing:
    """Tracing that hands every span to ``exporter`` as it ends (tests: an in-memory exporter)."""
    return start_tracing("none", service, exporter)


def _otlp_exporter() -> SpanExporter:
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError:
        raise RuntimeError(
            "MARKETPLACE_TRACES=otlp needs the OTLP exporter: pip install 'marketplace[otlp]' "
            "(opentelemetry-exporter-otlp-proto-http)"
        ) from None
    return OTLPSpanExporter()


def _correlation_ids() -> Any:
    """The SDK's id generator, but a new trace's id is its correlation id's (``trace_id_of``)."""
    from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

    class CorrelationTraceIds(RandomIdGenerator):
        def generate_trace_id(self) -> int:
            correlation = correlation_id.get()
            return trace_id_of(correlation) if correlation else super().generate_trace_id()

        def is_trace_id_random(self) -> bool:
            return False  # a uuid7's first bits are a time

    return CorrelationTraceIds()
