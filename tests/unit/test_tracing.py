"""Traces (adapters.tracing): off by default and then nothing is recorded; a trace's id is its correlation
id's; the trace context crosses a hop (an envelope, a record's headers) as a W3C traceparent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from adapters.memory.event_bus import InProcessEventBus
from adapters.tracing import NO_TRACING, context_of, current_traceparent, start_tracing, trace_id_of, tracing_with
from config.container import bootstrap
from config.settings import SettingsError, load_settings
from core.auth.events import PasswordChanged
from core.shared.events import Event, EventEnvelope, correlation_id, to_envelope
from ports.checkout import PaymentDesk
from tests.support.settings import memory_settings

REQUEST_ID = "48b89c3a2e1af8960000000000000012"  # as the gateway makes them: 32 hex digits


def _envelope(correlation: str | None = REQUEST_ID, traceparent: str | None = None) -> EventEnvelope:
    return EventEnvelope(
        id="0190a0b0-0000-7000-8000-000000000001",
        type="orders.OrderPlaced.v1",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        key="order-1",
        payload={},
        correlation_id=correlation,
        traceparent=traceparent,
    )


def test_traces_are_off_unless_asked_for_and_an_unknown_kind_is_a_clear_error() -> None:
    assert load_settings({}).traces == "none"
    assert load_settings({"MARKETPLACE_TRACES": "otlp"}).traces == "otlp"
    with pytest.raises(SettingsError, match=r"MARKETPLACE_TRACES must be one of none, console, otlp, not 'jaeger'"):
        load_settings({"MARKETPLACE_TRACES": "jaeger"})
    assert start_tracing("none", "marketplace") is NO_TRACING


async def test_with_traces_off_nothing_is_recorded_nor_wrapped() -> None:
    runtime = await bootstrap(memory_settings())
    try:
        assert runtime.tracing is NO_TRACING
        assert not runtime.tracing.on
        assert type(runtime.resolve(PaymentDesk)).__name__ == "PaymentsForSagas"  # the desk itself, unwrapped
    finally:
        await runtime.close()

    seen: list[str | None] = []

    async def handler(_: Event) -> None:
        seen.append(current_traceparent())

    bus = InProcessEventBus()
    bus.subscribe("users", PasswordChanged, handler)
    await bus.publish([to_envelope(PasswordChanged(occurred_at=datetime.now(UTC), user_id="u-1"))])
    assert seen == [None]  # no span around the handler, so none for the events it raises to carry


def test_a_trace_id_is_its_correlation_id() -> None:
    assert trace_id_of(REQUEST_ID) == int(REQUEST_ID, 16)
    assert trace_id_of("0190A0B0-0000-7000-8000-000000000001") == 0x0190A0B0000070008000000000000001
    # A client's own X-Request-ID that is no 128-bit hex: a stable trace id of its own.
    assert trace_id_of("checkout-42") == trace_id_of("checkout-42") != trace_id_of("checkout-43")
    assert trace_id_of("0" * 32) != 0


def test_a_traceparent_is_read_only_when_well_formed() -> None:
    assert context_of(None) is None
    assert context_of("") is None
    assert context_of("not-a-traceparent") is None
    assert context_of("00-" + "0" * 32 + "-" + "1" * 16 + "-01") is None  # an invalid (zero) trace id
    assert context_of(f"00-{REQUEST_ID}-00f067aa0ba902b7-01") is not None
    assert context_of(f"00-{REQUEST_ID}-00f067aa0ba902b7-01".encode()) is not None


def test_the_trace_crosses_a_hop_in_the_record_headers_or_else_the_envelope() -> None:
    exporter = InMemorySpanExporter()
    tracing = tracing_with(exporter)
    committed = f"00-{REQUEST_ID}-00f067aa0ba902b7-01"  # the span that committed the event

    span, traceparent = tracing.produce(_envelope(traceparent=committed), "marketplace.orders", "kafka")
    span.end()
    with tracing.consuming(
        "orchestrator", _envelope(traceparent=committed), "kafka", [("traceparent", traceparent.encode())], remote=True
    ):
        pass
    with tracing.consuming("search", _envelope(traceparent=committed), "kafka", [], remote=True):
        pass

    produced, by_header, by_envelope = exporter.get_finished_spans()
    assert {s.context.trace_id for s in (produced, by_header, by_envelope)} == {int(REQUEST_ID, 16)}
    assert (produced.kind, produced.parent and produced.parent.span_id) == (SpanKind.PRODUCER, 0x00F067AA0BA902B7)
    assert [s.parent.span_id if s.parent else None for s in (by_header, by_envelope)] == [
        produced.context.span_id,
        0x00F067AA0BA902B7,
    ]


def test_an_event_with_no_trace_context_starts_the_trace_of_its_correlation_id() -> None:
    exporter = InMemorySpanExporter()
    tracing = tracing_with(exporter)
    with tracing.consuming("orchestrator", _envelope(traceparent=None), "kafka", [], remote=True):
        assert correlation_id.get() is None  # the consumer sets it for the handlers, not the tracing
    (span,) = exporter.get_finished_spans()
    assert span.parent is None
    assert span.context.trace_id == int(REQUEST_ID, 16)
    assert span.attributes is not None
    assert span.attributes["marketplace.correlation_id"] == REQUEST_ID


async def test_traces_go_to_the_console_or_by_otlp_under_the_process_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    for mode in ("console", "otlp"):
        tracing = start_tracing(mode, "marketplace-consume")
        assert tracing.on
        assert tracing.provider is not None
        assert tracing.provider.resource.attributes["service.name"] == "marketplace-consume"
        await tracing.close()
    monkeypatch.setenv("OTEL_SERVICE_NAME", "shop-eu-1")
    tracing = start_tracing("console", "marketplace-consume")
    assert tracing.provider is not None
    assert tracing.provider.resource.attributes["service.name"] == "shop-eu-1"
    await tracing.close()
