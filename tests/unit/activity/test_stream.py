"""``BufferedActivityStream``: what the pages report reaches the publisher in order, in batches, from a task
of its own; a full buffer, a broker down and a publisher refusing events are each counted, never raised."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from adapters.activity_stream import BufferedActivityStream
from adapters.memory.clock import START
from core.activity.events import ProductViewed
from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope, correlation_id


class FakePublisher:
    """Keeps each batch it takes. ``failures`` are raised by the next calls, one each; while ``gate`` is
    clear every call waits for it."""

    def __init__(self, *failures: Exception) -> None:
        self.batches: list[list[EventEnvelope]] = []
        self.failures = list(failures)
        self.calls = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        self.calls += 1
        await self.gate.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.batches.append(list(envelopes))

    @property
    def products(self) -> list[str]:
        return [e.payload["product_id"] for batch in self.batches for e in batch]


class BrokerDown(FakePublisher):
    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        self.calls += 1
        raise Unavailable("the broker is down (test)")


def viewed(product_id: str) -> ProductViewed:
    return ProductViewed(actor="alice", product_id=product_id, occurred_at=START)


def stream_of(publisher: FakePublisher, **options: Any) -> tuple[BufferedActivityStream, Callable[[str], float]]:
    """The stream, and how many events it counted of an outcome."""
    registry = CollectorRegistry()
    options.setdefault("retry_seconds", 0.001)
    stream = BufferedActivityStream(publisher, registry, **options)

    def counted(outcome: str) -> float:
        return registry.get_sample_value("marketplace_activity_events_total", {"outcome": outcome}) or 0.0

    return stream, counted


async def test_events_reach_the_publisher_in_order_in_batches() -> None:
    publisher = FakePublisher()
    stream, counted = stream_of(publisher, batch_size=2)
    for n in range(5):
        stream.send(viewed(f"p{n}"))
    await stream.flush()
    assert [len(batch) for batch in publisher.batches] == [2, 2, 1]
    assert publisher.products == ["p0", "p1", "p2", "p3", "p4"]
    assert publisher.batches[0][0].type == "activity.ProductViewed.v1"
    assert (counted("sent"), stream.published) == (5.0, 5)


async def test_sending_never_awaits_the_publisher() -> None:
    publisher = FakePublisher()
    publisher.gate.clear()  # the broker hangs
    stream, _ = stream_of(publisher)
    assert not inspect.iscoroutinefunction(stream.send)
    stream.send(viewed("p0"))
    stream.send(viewed("p1"))
    assert publisher.calls == 0  # handed on only once the request yields
    await asyncio.sleep(0)
    assert publisher.calls == 1
    assert publisher.batches == []
    publisher.gate.set()
    await stream.flush()
    assert publisher.products == ["p0", "p1"]


async def test_a_full_buffer_drops_new_events_and_counts_them() -> None:
    publisher = FakePublisher()
    publisher.gate.clear()
    stream, counted = stream_of(publisher, capacity=2)
    for n in range(4):
        stream.send(viewed(f"p{n}"))
    assert counted("dropped") == 2.0
    publisher.gate.set()
    await stream.flush()
    assert publisher.products == ["p0", "p1"]
    assert counted("sent") == 2.0


async def test_a_broker_unavailable_is_retried_and_nothing_is_lost() -> None:
    publisher = FakePublisher(Unavailable("down"), Unavailable("still down"))
    stream, counted = stream_of(publisher, batch_size=2)
    for n in range(3):
        stream.send(viewed(f"p{n}"))
    await stream.flush()
    assert publisher.products == ["p0", "p1", "p2"]
    assert publisher.calls == 4  # twice refused, then both batches
    assert (counted("sent"), counted("failed"), counted("dropped")) == (3.0, 0.0, 0.0)


async def test_a_publisher_refusing_a_batch_drops_that_batch_and_counts_it_failed() -> None:
    publisher = FakePublisher(ValueError("cannot encode"))
    stream, counted = stream_of(publisher, batch_size=2)
    for n in range(3):
        stream.send(viewed(f"p{n}"))
    await stream.flush()
    assert publisher.products == ["p2"]
    assert (counted("failed"), counted("sent")) == (2.0, 1.0)


async def test_flush_waits_for_every_event_sent_so_far() -> None:
    publisher = FakePublisher()
    stream, _ = stream_of(publisher, batch_size=1)

    async def slowly(envelopes: Sequence[EventEnvelope]) -> None:
        await asyncio.sleep(0.001)
        publisher.batches.append(list(envelopes))

    publisher.publish = slowly  # type: ignore[method-assign]
    for n in range(3):
        stream.send(viewed(f"p{n}"))
    await stream.flush()
    assert publisher.products == ["p0", "p1", "p2"]
    stream.send(viewed("p3"))  # a new flusher after the last one ended
    await stream.flush()
    assert publisher.products == ["p0", "p1", "p2", "p3"]


@pytest.fixture
def short_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """``close`` waits at most 5 s for the broker: a few milliseconds here (the adapter's own wait_for)."""
    real: Callable[..., Awaitable[Any]] = asyncio.wait_for

    def wait_for(awaitable: Awaitable[Any], timeout: float | None) -> Awaitable[Any]:
        return real(awaitable, 0.05 if timeout == 5.0 else timeout)

    monkeypatch.setattr("adapters.activity_stream.asyncio.wait_for", wait_for)


@pytest.mark.usefixtures("short_close")
async def test_close_gives_up_when_the_broker_stays_down_and_refuses_new_events() -> None:
    publisher = BrokerDown()
    stream, counted = stream_of(publisher)
    stream.send(viewed("p0"))
    await stream.close()
    assert publisher.calls > 1  # retried until close gave up
    stream.send(viewed("p1"))
    await stream.flush()
    assert counted("dropped") == 1.0  # refused once closed
    assert publisher.batches == []


@pytest.mark.usefixtures("short_close")
async def test_events_given_up_at_close_are_counted_failed() -> None:
    stream, counted = stream_of(BrokerDown())
    stream.send(viewed("p0"))
    stream.send(viewed("p1"))
    await stream.close()
    assert counted("failed") == 2.0


async def test_close_sends_what_is_held_when_the_broker_takes_it() -> None:
    publisher = FakePublisher(Unavailable("down"))
    stream, counted = stream_of(publisher)
    stream.send(viewed("p0"))
    await stream.close()
    assert publisher.products == ["p0"]
    stream.send(viewed("p1"))
    assert counted("dropped") == 1.0


async def test_the_correlation_id_current_at_send_travels_in_the_envelope() -> None:
    publisher = FakePublisher()
    stream, _ = stream_of(publisher)
    for n, correlation in enumerate(["request-1", "request-2"]):
        token = correlation_id.set(correlation)
        try:
            stream.send(viewed(f"p{n}"))
        finally:
            correlation_id.reset(token)
    await stream.flush()
    assert [e.correlation_id for e in publisher.batches[0]] == ["request-1", "request-2"]


async def test_an_event_sent_without_a_correlation_id_takes_none_of_another_requests() -> None:
    publisher = FakePublisher()
    stream, _ = stream_of(publisher)
    token = correlation_id.set("request-1")
    try:
        stream.send(viewed("p0"))  # starts the flusher, in request-1's context
    finally:
        correlation_id.reset(token)
    stream.send(viewed("p1"))  # no request around it
    await stream.flush()
    assert [e.correlation_id for e in publisher.batches[0]] == ["request-1", None]
