"""The Kafka publisher replaces a producer the broker no longer knows (no broker needed: a stub producer)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError, OutOfOrderSequenceNumber

from adapters.kafka.publisher import KafkaEventPublisher
from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope


class StubProducer:
    def __init__(self, error: Exception) -> None:
        self.error, self.stopped = error, False

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error

    async def stop(self) -> None:
        self.stopped = True


def envelope() -> EventEnvelope:
    return EventEnvelope(
        id="e1", type="orders.OrderPlaced.v1", occurred_at=datetime(2026, 1, 1, tzinfo=UTC), key="o1", payload={}
    )


async def test_a_producer_whose_state_the_broker_lost_is_replaced_by_a_new_one() -> None:
    publisher = KafkaEventPublisher("127.0.0.1:1", "t")
    stale = StubProducer(OutOfOrderSequenceNumber())
    publisher._producer = stale  # type: ignore[assignment]
    with pytest.raises(Unavailable, match="OutOfOrderSequenceNumber"):
        await publisher.publish([envelope()])
    assert stale.stopped
    assert publisher._producer is None  # the next publish starts a new producer (a new producer id)


async def test_an_unreachable_broker_keeps_the_producer() -> None:
    publisher = KafkaEventPublisher("127.0.0.1:1", "t")
    producer = StubProducer(KafkaConnectionError())
    publisher._producer = producer  # type: ignore[assignment]
    with pytest.raises(Unavailable):
        await publisher.publish([envelope()])
    assert publisher._producer is producer
    assert not producer.stopped
