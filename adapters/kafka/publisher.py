"""The Kafka ``EventPublisher``: what the outbox relays hand their committed events to on the infra profile.

One idempotent producer per process (``enable_idempotence``, ``acks=all``): a send the broker got twice
(a retry after a lost acknowledgement) is written once, and the events of one key keep their order on
their partition. ``publish`` returns only once the broker acknowledged every envelope it was given, so
the relay marks its outbox rows published only then; when the broker is unreachable it raises
``Unavailable`` and the rows stay for the next pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import (
    InvalidProducerIdMapping,
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    UnknownProducerId,
)

from adapters.event_metrics import EventMetrics
from adapters.kafka.topics import encode, topic_of
from adapters.tracing import NO_TRACING, Tracing
from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope

log = logging.getLogger(__name__)


# The broker no longer knows the producer's sequence numbers (it lost its producer state in a restart, or
# expired it): this producer can send nothing more. A new one (a new producer id) takes over, and the
# batch is sent again by the relay's next pass (a duplicate at most, which the consumers' inbox skips).
PRODUCER_STATE_LOST = (OutOfOrderSequenceNumber, UnknownProducerId, InvalidProducerIdMapping, ProducerFenced)


class KafkaEventPublisher:
    def __init__(self, bootstrap_servers: str, prefix: str, *, timeout_seconds: float = 10.0) -> None:
        self.bootstrap_servers, self.prefix, self.timeout_seconds = bootstrap_servers, prefix, timeout_seconds
        self._producer: AIOKafkaProducer | None = None
        self._starting = asyncio.Lock()
        # Per partition, the offset after the last event this process published and the broker took:
        # how far a consumer must have read to have seen all of it.
        self.acknowledged: dict[TopicPartition, int] = {}
        self.metrics: EventMetrics | None = None  # set by the runtime: what /metrics counts
        self.tracing: Tracing = NO_TRACING  # set by the runtime: a producer span per event, its traceparent header

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        async with self._starting:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap_servers,
                    client_id="marketplace-outbox",
                    enable_idempotence=True,
                    acks="all",
                    linger_ms=0,  # a relay pass queues its whole batch before the sender runs: it travels together
                    request_timeout_ms=int(self.timeout_seconds * 1000),
                )
                try:
                    await producer.start()
                except KafkaError as exc:
                    await producer.stop()
                    raise Unavailable(f"Kafka at {self.bootstrap_servers} is unavailable: {exc!r}") from exc
                self._producer = producer
            return self._producer

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        if not envelopes:
            return
        producer = await self._started()
        spans = []
        failure: BaseException | None = None
        try:
            async with asyncio.timeout(self.timeout_seconds):
                sent = []
                for envelope in envelopes:
                    topic = topic_of(self.prefix, envelope.type)
                    headers = [("type", envelope.type.encode()), ("id", envelope.id.encode())]
                    if self.tracing.on:
                        span, traceparent = self.tracing.produce(envelope, topic, "kafka")
                        spans.append(span)
                        headers.append(("traceparent", traceparent.encode()))
                    record = encode(envelope)
                    sent.append(await producer.send(topic, record, key=envelope.key.encode(), headers=headers))
                for written in await asyncio.gather(*sent):
                    tp = TopicPartition(written.topic, written.partition)
                    self.acknowledged[tp] = max(self.acknowledged.get(tp, 0), written.offset + 1)
            if self.metrics is not None:
                self.metrics.published(envelopes)
        except (KafkaError, TimeoutError) as exc:
            failure = exc
            await self._replace_if_lost(exc)
            raise Unavailable(f"Kafka did not take the events: {exc!r}") from exc
        finally:
            for span in spans:  # once the broker took the events (or did not)
                self.tracing.failed(span, failure)
                span.end()

    async def send(self, topic: str, value: bytes, key: bytes | None, headers: list[tuple[str, bytes]]) -> None:
        """One record as it is (a dead letter, a replay), acknowledged by the broker when this returns."""
        producer = await self._started()
        try:
            async with asyncio.timeout(self.timeout_seconds):
                await (await producer.send(topic, value, key=key, headers=headers))
        except (KafkaError, TimeoutError) as exc:
            await self._replace_if_lost(exc)
            raise Unavailable(f"Kafka did not take the record: {exc!r}") from exc

    async def _replace_if_lost(self, exc: BaseException) -> None:
        if isinstance(exc, PRODUCER_STATE_LOST) and self._producer is not None:
            log.warning("kafka: the broker lost this producer's state (%r); starting a new producer", exc)
            producer, self._producer = self._producer, None
            with contextlib.suppress(Exception):
                await producer.stop()

    async def close(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def check(self, timeout_seconds: float = 2.0) -> None:
        """Return when the broker answers a metadata request; raise ``Unavailable`` when it does not."""
        producer = await self._started()
        try:
            async with asyncio.timeout(timeout_seconds):
                await producer.client.fetch_all_metadata()
        except (KafkaError, TimeoutError) as exc:
            raise Unavailable(f"Kafka at {self.bootstrap_servers} does not answer: {exc!r}") from exc


class KafkaHealth:
    """Readiness: the broker answers."""

    def __init__(self, name: str, publisher: KafkaEventPublisher) -> None:
        self.name, self.publisher = name, publisher

    async def check(self) -> None:
        await self.publisher.check()
