"""A checkout is one trace, keyed by its correlation id: from the HTTP request through the outbox and the
event backbone (the in-process bus on memory, Kafka's record headers on infra) to the consumers, the saga's
commands and the payment gateway's call. Every span of it has the request id as its trace id, every span
but the request's has its parent in the trace, and another checkout is another trace."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from adapters.tracing import tracing_with
from tests.support.http import ApiClient
from tests.support.server import ServerThread
from tests.support.shop import ShopBuilder, admin_maker, ok


@pytest.fixture
def traces(server: ServerThread) -> Iterator[InMemorySpanExporter]:
    """Every span the shop records, in memory: the runtime the ``api`` fixture starts records them."""
    exporter = InMemorySpanExporter()
    server.tracing = tracing_with(exporter)
    try:
        yield exporter
    finally:
        server.tracing = None
        server.restart()  # the next test's shop records nothing


@pytest.fixture
def api(traces: InMemorySpanExporter, api: ApiClient) -> ApiClient:
    return api


def _check_out(api: ApiClient, shop: ShopBuilder, product_id: str, name: str) -> tuple[str, str]:
    """A customer buys the product; return (correlation id, order id)."""
    token, address_id = shop.customer(name)
    ok(api.post("/api/v1/cart/items", {"product_id": product_id, "quantity": 1}, token=token))
    body = {"address_id": address_id, "payment_token": "tok_visa"}
    reply = api.post("/api/v1/orders", body, token=token, headers={"Idempotency-Key": str(uuid.uuid4())})
    order_id = ok(reply, 201)["order_id"]
    return reply.headers["X-Request-ID"], str(order_id)


def _trace(spans: list[ReadableSpan], correlation: str) -> list[ReadableSpan]:
    return [s for s in spans if s.context is not None and s.context.trace_id == int(correlation, 16)]


def _attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def _names(spans: list[ReadableSpan]) -> set[str]:
    return {s.name for s in spans}


def test_a_checkout_is_one_trace_keyed_by_its_correlation_id(
    api: ApiClient, server: ServerThread, traces: InMemorySpanExporter
) -> None:
    shop = ShopBuilder(api, admin_maker(server), domain="traces.example")
    seller = shop.seller("potter")
    product_id = shop.product(seller, "Stoneware bowl", 1250, 10)
    traces.clear()

    first, first_order = _check_out(api, shop, product_id, "ann")
    second, second_order = _check_out(api, shop, product_id, "bob")
    server.settle()
    spans = list(traces.get_finished_spans())

    trace = _trace(spans, first)
    roots = [s for s in trace if s.parent is None]
    assert [(s.name, s.kind) for s in roots] == [("POST /api/v1/orders", SpanKind.SERVER)]
    assert _attributes(roots[0])["http.response.status_code"] == 201
    ids = {s.context.span_id for s in trace if s.context is not None}
    orphans = [s.name for s in trace if s.parent is not None and s.parent.span_id not in ids]
    assert orphans == []
    # The path of the checkout: the event out of the outbox, its consumers, the saga's commands, the events
    # they raise in turn, the gateway's call. (What follows the authorization may come by the gateway's
    # webhook first: another request from another company, so another trace.)
    assert {
        "publish orders.OrderPlaced.v1",
        "orchestrator process orders.OrderPlaced.v1",
        "saga.stock.reserve",
        "publish products.StockChanged.v1",
        "products process products.StockChanged.v1",
        "saga.payments.authorize",
        "payment-gateway.authorize",
    } <= _names(trace)
    gateway = next(s for s in trace if s.name == "payment-gateway.authorize")
    assert gateway.kind is SpanKind.CLIENT
    assert _attributes(gateway)["peer.service"] == "payment-gateway"

    # Whatever the checkout caused is in its trace, and nothing of the other checkout is.
    def trace_ids(order_id: str, correlation: str) -> set[int]:
        """The traces of the spans that name the order (the saga's commands) or the correlation id."""
        return {
            s.context.trace_id
            for s in spans
            if s.context is not None
            and (
                _attributes(s).get("marketplace.key") == order_id
                or _attributes(s).get("marketplace.correlation_id") == correlation
            )
        }

    assert trace_ids(first_order, first) == {int(first, 16)}
    assert trace_ids(second_order, second) == {int(second, 16)}
    assert first != second
    assert "saga.payments.authorize" in _names(_trace(spans, second))

    if server.settings.uses_infra:
        # Across Kafka: a consumer's span is the child of the producer's, whose context the record carried.
        by_id = {s.context.span_id: s for s in trace if s.context is not None}
        consumed = next(s for s in trace if s.name == "orchestrator process orders.OrderPlaced.v1")
        assert consumed.kind is SpanKind.CONSUMER
        assert _attributes(consumed)["messaging.system"] == "kafka"
        assert consumed.parent is not None
        producer = by_id[consumed.parent.span_id]
        assert (producer.name, producer.kind) == ("publish orders.OrderPlaced.v1", SpanKind.PRODUCER)
