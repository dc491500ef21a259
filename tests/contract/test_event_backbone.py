"""The event backbone's contract: what consumers may count on, over the in-process bus (memory profile)
and over Kafka (infra profile) alike.

- The events of one key reach a group's handler in the order they were published.
- A handler that fails holds up no other key.
- Every group sees every event of the types it subscribed to; groups are independent.
- A redelivered event is skipped by the consumer's inbox.
- A group taking batches (analytics) gets every event of every context, each key's in order, whatever
  event types the process knows of besides.

Kafka's own promises (an event given up on goes to the dead-letter topic and the partition goes on, in
a batch too; a restarted consumer resumes after its last commit) are tested below the shared ones.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime

import attrs
import pytest

from adapters.kafka.consumers import KafkaConsumerGroups
from adapters.kafka.publisher import KafkaEventPublisher
from adapters.kafka.topics import dead_letter_topic, decode
from adapters.memory.event_bus import InProcessEventBus
from adapters.memory.inbox import MemoryInbox
from core.shared.events import Event, EventEnvelope, domain_event, to_envelope
from entrypoints.consumers.inbox import idempotent
from tests.support.kafka import drop_topics, kafka_servers, scratch_prefix, scratch_topics

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@domain_event("parcels.ParcelScanned.v1", key="parcel_id")
@attrs.frozen(kw_only=True)
class ParcelScanned(Event):
    parcel_id: str
    step: int


@domain_event("lockers.ParcelDropped.v1", key="locker_id")
@attrs.frozen(kw_only=True)
class ParcelDropped(Event):
    locker_id: str
    parcel_id: str


# Known to this process, published by nobody: no topic of this test's has its events.
@domain_event("depots.DepotOpened.v1", key="depot_id")
@attrs.frozen(kw_only=True)
class DepotOpened(Event):
    depot_id: str


def scans(*pairs: tuple[str, int]) -> list[EventEnvelope]:
    return [to_envelope(ParcelScanned(occurred_at=NOW, parcel_id=p, step=n)) for p, n in pairs]


class Backbone:
    """A publisher and a subscriber over one transport; ``settle`` returns once every consumer has
    handled everything published so far."""

    def __init__(self, publish: Callable[[Sequence[EventEnvelope]], Awaitable[None]]) -> None:
        self._publish = publish
        self.subscribe: Callable[..., None]
        self.subscribe_batches: Callable[..., None]
        self.settle: Callable[[], Awaitable[None]]
        self.start: Callable[[], Awaitable[None]]

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        """Publish; a transport that delivers in the call (the in-process bus) reports handler failures
        by raising, which the outbox relay acts on: here they are the handlers' business, not the test's."""
        with contextlib.suppress(Exception):
            await self._publish(envelopes)


@pytest.fixture(params=["in-process", pytest.param("kafka", marks=pytest.mark.infra)])
async def backbone(request: pytest.FixtureRequest) -> AsyncIterator[Backbone]:
    if request.param == "in-process":
        bus = InProcessEventBus()
        line = Backbone(bus.publish)
        line.subscribe, line.subscribe_batches = bus.subscribe, bus.subscribe_batches
        line.settle = line.start = _nothing
        yield line
        return
    prefix = scratch_prefix()
    topics = await scratch_topics(prefix, ["parcels", "lockers"])
    publisher = KafkaEventPublisher(kafka_servers(), prefix)
    groups = KafkaConsumerGroups(
        kafka_servers(), prefix, publisher, max_attempts=2, backoff_seconds=0.01, every_topic=topics[:2]
    )
    tasks: list[asyncio.Task[None]] = []
    line = Backbone(publisher.publish)
    line.subscribe, line.subscribe_batches = groups.subscribe, groups.subscribe_batches

    async def start() -> None:
        tasks.extend(asyncio.create_task(groups.run(group)) for group in groups.groups)

    async def settle() -> None:
        async with asyncio.timeout(30):
            await groups.caught_up(*groups.groups)

    line.start, line.settle = start, settle
    try:
        yield line
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await publisher.close()
        await drop_topics(topics)


async def _nothing() -> None:
    return None


async def test_one_keys_events_arrive_in_the_order_published(backbone: Backbone) -> None:
    seen: list[tuple[str, int]] = []

    async def handle(event: ParcelScanned) -> None:
        seen.append((event.parcel_id, event.step))

    backbone.subscribe("tracking", ParcelScanned, handle)
    await backbone.start()
    await backbone.publish(scans(("a", 1), ("b", 1), ("a", 2)))
    await backbone.publish(scans(("a", 3), ("b", 2), ("c", 1)))
    await backbone.settle()
    assert [step for parcel, step in seen if parcel == "a"] == [1, 2, 3]
    assert [step for parcel, step in seen if parcel == "b"] == [1, 2]
    assert [step for parcel, step in seen if parcel == "c"] == [1]


async def test_every_group_sees_every_event_it_subscribed_to(backbone: Backbone) -> None:
    seen: dict[str, list[str]] = {"tracking": [], "billing": []}

    def recorder(group: str) -> Callable[[ParcelScanned], Awaitable[None]]:
        async def handle(event: ParcelScanned) -> None:
            seen[group].append(f"{event.parcel_id}{event.step}")

        return handle

    for group in seen:
        backbone.subscribe(group, ParcelScanned, recorder(group))
    await backbone.start()
    await backbone.publish(scans(("a", 1), ("b", 1)))
    await backbone.settle()
    assert sorted(seen["tracking"]) == sorted(seen["billing"]) == ["a1", "b1"]


async def test_a_failing_handler_holds_up_no_other_key(backbone: Backbone) -> None:
    seen: list[str] = []

    async def fragile(event: ParcelScanned) -> None:
        if event.parcel_id == "bad":
            raise ValueError("this parcel cannot be handled")
        seen.append(f"{event.parcel_id}{event.step}")

    backbone.subscribe("tracking", ParcelScanned, fragile)
    await backbone.start()
    await backbone.publish(scans(("bad", 1), ("good", 1), ("good", 2)))
    await backbone.settle()
    assert seen == ["good1", "good2"]


async def test_a_redelivered_event_is_skipped_by_the_inbox(backbone: Backbone) -> None:
    handled: list[str] = []
    inbox = MemoryInbox()

    async def handle(event: ParcelScanned) -> None:
        handled.append(event.event_id)

    backbone.subscribe("tracking", ParcelScanned, idempotent("tracking", inbox, handle))
    await backbone.start()
    envelopes = scans(("a", 1), ("a", 2))
    await backbone.publish(envelopes)
    await backbone.publish(envelopes[:1])  # a relay that published, then crashed before marking the row
    await backbone.settle()
    assert handled == [envelopes[0].id, envelopes[1].id]


async def test_a_batch_group_takes_every_event_of_every_context(backbone: Backbone) -> None:
    batches: list[list[EventEnvelope]] = []

    async def record(envelopes: Sequence[EventEnvelope]) -> None:
        batches.append(list(envelopes))

    backbone.subscribe_batches("analytics", record)
    await backbone.start()
    parcels = scans(("a", 1), ("b", 1), ("a", 2))
    drops = [to_envelope(ParcelDropped(occurred_at=NOW, locker_id="l1", parcel_id=p)) for p in ("a", "b")]
    await backbone.publish(parcels)
    await backbone.publish(drops)
    later = scans(("a", 3))
    await backbone.publish(later)
    await backbone.settle()
    seen = [envelope for batch in batches for envelope in batch]
    assert sorted(e.id for e in seen) == sorted(e.id for e in [*parcels, *drops, *later])  # each once
    assert {e.type for e in seen} == {ParcelScanned.type_name, ParcelDropped.type_name}
    a_steps = [e.payload["step"] for e in seen if e.type == ParcelScanned.type_name and e.key == "a"]
    assert a_steps == [1, 2, 3]
    assert DepotOpened.type_name not in {e.type for e in seen}


# Kafka only


@pytest.mark.infra
async def test_kafka_sets_aside_only_the_event_a_batch_group_keeps_refusing() -> None:
    prefix = scratch_prefix()
    topics = await scratch_topics(prefix, ["parcels"], partitions=1)
    publisher = KafkaEventPublisher(kafka_servers(), prefix)
    groups = KafkaConsumerGroups(
        kafka_servers(),
        prefix,
        publisher,
        max_attempts=2,
        backoff_seconds=0.01,
        batch_linger_seconds=0,
        every_topic=[f"{prefix}.parcels"],
    )
    kept: list[str] = []

    async def record(envelopes: Sequence[EventEnvelope]) -> None:
        if any(e.key == "bad" for e in envelopes):
            raise ValueError("a batch with a bad parcel")
        kept.extend(f"{e.key}{e.payload['step']}" for e in envelopes)

    groups.subscribe_batches("analytics", record)
    envelopes = scans(("good", 1), ("bad", 1), ("good", 2), ("other", 1))
    await publisher.publish(envelopes)
    task = asyncio.create_task(groups.run("analytics"))
    try:
        async with asyncio.timeout(30):
            await groups.caught_up("analytics")
        assert sorted(kept) == ["good1", "good2", "other1"]  # the batch halved around the bad one
        letters = await read_all(dead_letter_topic(prefix))
        assert [decode(value).id for value, _ in letters] == [envelopes[1].id]
        assert letters[0][1]["group"] == "analytics"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.close()
        await drop_topics(topics)


@pytest.mark.infra
async def test_kafka_sets_aside_what_a_group_keeps_refusing_and_goes_on() -> None:
    prefix = scratch_prefix()
    topics = await scratch_topics(prefix, ["parcels"], partitions=1)
    publisher = KafkaEventPublisher(kafka_servers(), prefix)
    groups = KafkaConsumerGroups(kafka_servers(), prefix, publisher, max_attempts=3, backoff_seconds=0.01)
    tries: dict[str, int] = {}

    async def fragile(event: ParcelScanned) -> None:
        tries[event.parcel_id] = tries.get(event.parcel_id, 0) + 1
        if event.parcel_id == "bad":
            raise ValueError("no such parcel")

    groups.subscribe("tracking", ParcelScanned, fragile)
    task = asyncio.create_task(groups.run("tracking"))
    try:
        envelopes = scans(("bad", 1), ("good", 1))
        await publisher.publish(envelopes)
        async with asyncio.timeout(30):
            await groups.caught_up("tracking")
        assert tries == {"bad": 3, "good": 1}  # the same partition: "good" waited, then went on
        letters = await read_all(dead_letter_topic(prefix))
        assert len(letters) == 1
        value, headers = letters[0]
        assert decode(value).id == envelopes[0].id
        assert headers["group"] == "tracking"
        assert headers["error"] == "ValueError: no such parcel"
        assert headers["attempts"] == "3"
        assert headers["topic"] == f"{prefix}.parcels"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.close()
        await drop_topics(topics)


@pytest.mark.infra
async def test_a_restarted_kafka_consumer_resumes_after_its_last_commit() -> None:
    prefix = scratch_prefix()
    topics = await scratch_topics(prefix, ["parcels"])
    publisher = KafkaEventPublisher(kafka_servers(), prefix)
    seen: list[str] = []

    async def handle(event: ParcelScanned) -> None:
        seen.append(f"{event.parcel_id}{event.step}")

    async def consume_until_caught_up() -> None:
        groups = KafkaConsumerGroups(kafka_servers(), prefix, publisher, backoff_seconds=0.01)
        groups.subscribe("tracking", ParcelScanned, handle)
        task = asyncio.create_task(groups.run("tracking"))
        try:
            async with asyncio.timeout(30):
                await groups.caught_up("tracking")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    try:
        await publisher.publish(scans(("a", 1), ("b", 1)))
        await consume_until_caught_up()
        await publisher.publish(scans(("a", 2), ("c", 1)))
        await consume_until_caught_up()
        assert sorted(seen) == ["a1", "a2", "b1", "c1"]  # each once: the second run began at the commits
    finally:
        await publisher.close()
        await drop_topics(topics)


async def read_all(topic: str) -> list[tuple[bytes, dict[str, str]]]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_servers(), enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[tuple[bytes, dict[str, str]]] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                found.extend((r.value, {k: v.decode() for k, v in r.headers}) for r in records)
        return found
    finally:
        await consumer.stop()
