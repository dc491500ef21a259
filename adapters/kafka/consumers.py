"""Kafka consumer groups: the ``EventSubscriber`` of the infra profile.

Each consumer group of ``entrypoints/consumers`` (one per context) is one Kafka consumer group,
``<prefix>.<group>``, reading the topics of the contexts whose events it handles. Any number of processes
may run a group: Kafka shares the partitions among them.

- **Order.** The records of one key (so the events of one aggregate) are handled one after the other;
  the keys of a partition's batch (up to ``KEYS_AT_ONCE``) and the partitions a process holds are handled
  side by side, so a slow or failing key holds up only its own partition's batch.
- **At least once.** A partition's offset is committed only after its handlers returned (and each
  handler's inbox record was committed with it), so a crash redelivers what was not committed, and the
  inbox makes the redelivery harmless.
- **Retries.** An ``Unavailable`` (a database down, a timeout) is retried with a growing pause for as long
  as it lasts, without counting: the event is fine, its dependency is not. Any other failure is retried
  ``max_attempts`` times, then the event is set aside on the dead-letter topic, with the group, the error
  and where it came from, and the partition goes on (``marketplace dead-letters`` shows and replays them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError

from adapters.event_metrics import FAILED, HANDLED, UNAVAILABLE, EventMetrics, Lag
from adapters.kafka.publisher import KafkaEventPublisher
from adapters.kafka.topics import dead_letter_topic, decode, topic_of
from adapters.tracing import NO_TRACING, Tracing
from core.shared.errors import Unavailable
from core.shared.events import Event, EventEnvelope, correlation_id, from_envelope
from ports.shared import BatchHandler, EventHandler

log = logging.getLogger(__name__)

# The keys (aggregates) of one partition's batch handled side by side, each key's records in order (as the
# in-process bus delivers): a batch of many orders does not wait order by order, and the writes of a read
# model (the search index) that each wait for a refresh share one.
KEYS_AT_ONCE = 8
SESSION_TIMEOUT_MS = 6000


def group_id(prefix: str, group: str) -> str:
    return f"{prefix}.{group}"


class _Progress(ConsumerRebalanceListener):  # type: ignore[misc]
    """Where one group's consumer in this process stands: the partitions it holds, and whether a batch it
    took is still being handled (the consumer's position runs ahead of the handlers while it is)."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.held: set[TopicPartition] = set()
        self.busy = False
        self.changed = asyncio.Condition()
        self.assigned = asyncio.Event()

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        # A rebalance: until the group hands out the partitions again, nobody can say what is caught up.
        self.held -= set(revoked)
        self.assigned.clear()

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        self.held = set(assigned)
        self.assigned.set()
        await self.notify()

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def caught_up(self, ends: dict[TopicPartition, int]) -> None:
        """Until every partition held has been handled up to its offset in ``ends``."""
        await self.assigned.wait()
        async with self.changed:
            while True:
                behind = [tp for tp, end in ends.items() if tp in self.held and await self.consumer.position(tp) < end]
                if not behind and not self.busy:
                    return
                await self.changed.wait()


class KafkaConsumerGroups:
    """Handlers subscribe per (group, event type); ``run(group)`` consumes until cancelled."""

    def __init__(
        self,
        bootstrap_servers: str,
        prefix: str,
        publisher: KafkaEventPublisher,
        *,
        max_attempts: int = 5,
        backoff_seconds: float = 0.1,
        max_backoff_seconds: float = 5.0,
        fetch_max_wait_ms: int = 500,
        group_prefix: str | None = None,
        metrics: EventMetrics | None = None,
        batch_size: int = 5000,
        batch_linger_seconds: float = 0.5,
        every_topic: Sequence[str] = (),
    ) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        # The Kafka consumer groups are <group_prefix>.<group> (the topic prefix by default): another
        # prefix is another set of groups, which reads every topic again from its start.
        self.group_prefix = prefix if group_prefix is None else group_prefix
        # The process's publisher: dead letters go through it, and what it published is what catching up means.
        self.bootstrap_servers, self.prefix, self.publisher = bootstrap_servers, prefix, publisher
        self.max_attempts, self.backoff_seconds, self.max_backoff_seconds = (
            max_attempts,
            backoff_seconds,
            max_backoff_seconds,
        )
        self._handlers: dict[str, dict[str, list[EventHandler]]] = defaultdict(lambda: defaultdict(list))
        # Groups that take every topic's events in batches: up to batch_size records, or what came within
        # batch_linger_seconds of the first.
        self._batch_handlers: dict[str, BatchHandler] = {}
        # What "every topic" is: the contexts' topics, named (not a pattern: a pattern makes the consumer
        # fetch the metadata of every topic of the cluster), and not the event types this process has heard
        # of (a type nobody publishes names a topic that may not exist, and the group would never be assigned).
        self.every_topic = sorted(every_topic)
        self.batch_size, self.batch_linger_seconds = batch_size, batch_linger_seconds
        self._progress: dict[str, _Progress] = {}
        self.delivered = 0  # events handed to handlers that returned, in this process
        self._joined: dict[str, asyncio.Event] = defaultdict(asyncio.Event)  # set while the group runs here
        # Per group, the offset of each partition's next record to handle (the lag is measured from it).
        self._next: dict[str, dict[TopicPartition, int]] = defaultdict(dict)
        self.metrics = metrics
        self.tracing: Tracing = NO_TRACING  # set by the runtime: a consumer span per event and group
        if metrics is not None:
            metrics.lag_sources.append(self.lags)

    def subscribe(self, group: str, event_type: type[Event], handler: EventHandler) -> None:
        self._handlers[group][event_type.type_name].append(handler)

    def subscribe_batches(self, group: str, handler: BatchHandler) -> None:
        if not self.every_topic:
            raise ValueError(f"group {group!r} takes every event, but these consumer groups know no topic")
        self._batch_handlers[group] = handler

    @property
    def groups(self) -> list[str]:
        """The groups that handle some event (a group with no handler has nothing to consume)."""
        handling = {group for group, handlers in self._handlers.items() if handlers}
        return sorted(handling | set(self._batch_handlers))

    def topics(self, group: str) -> list[str]:
        """The topics of the events a group handles; a group taking batches takes every context's topic."""
        if group in self._batch_handlers:
            return list(self.every_topic)
        return sorted({topic_of(self.prefix, event_type) for event_type in self._handlers[group]})

    def _consumer(self, group: str) -> tuple[AIOKafkaConsumer, _Progress]:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=group_id(self.group_prefix, group),
            client_id=f"marketplace-{group}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",  # a new group reads what was published before it first ran
            max_poll_interval_ms=600_000,  # a handler retrying an outage keeps its partitions
            # A process that died (SIGKILL, a lost host) hands its partitions over once the broker has heard
            # no heartbeat for this long: the shortest the broker allows (group.min.session.timeout.ms).
            session_timeout_ms=SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=SESSION_TIMEOUT_MS // 3,
            fetch_max_wait_ms=self.fetch_max_wait_ms,
        )
        progress = _Progress(consumer)
        consumer.subscribe(self.topics(group), listener=progress)
        return consumer, progress

    async def run(self, group: str) -> None:
        if group not in self.groups:
            raise ValueError(f"consumer group {group!r} handles no event: it has nothing to consume")
        pause = self.backoff_seconds
        while True:
            consumer, progress = self._consumer(group)
            try:
                await consumer.start()
                break
            except BaseException as exc:
                with contextlib.suppress(Exception):
                    await consumer.stop()
                if not isinstance(exc, KafkaError):
                    raise
                log.warning("kafka: group %s cannot start (%r); retrying in %.1fs", group, exc, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, self.max_backoff_seconds)
        self._progress[group] = progress
        self._joined[group].set()
        try:
            pause = self.backoff_seconds
            while True:
                try:
                    batches = await self._fetch(group, consumer)
                except KafkaError as exc:  # the broker is away: the consumer reconnects by itself
                    log.warning("kafka: group %s cannot fetch (%r); retrying in %.1fs", group, exc, pause)
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, self.max_backoff_seconds)
                    continue
                pause = self.backoff_seconds
                await self._note_positions(group, consumer, progress, batches)
                progress.busy = bool(batches)
                try:
                    if group in self._batch_handlers:
                        await self._batch(group, consumer, batches)
                    else:
                        await asyncio.gather(
                            *(self._partition(group, consumer, tp, records) for tp, records in batches.items())
                        )
                finally:
                    progress.busy = False
                    await progress.notify()
        finally:
            self._progress.pop(group, None)
            self._next.pop(group, None)
            self._joined[group].clear()
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def _fetch(
        self, group: str, consumer: AIOKafkaConsumer
    ) -> dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]:
        """The next records: up to 500 for a group of handlers; for a batch group, up to ``batch_size``,
        or what came within ``batch_linger_seconds`` of the first (few, larger writes in a burst)."""
        batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]
        if group not in self._batch_handlers:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            return batches
        batches = await consumer.getmany(timeout_ms=1000, max_records=self.batch_size)
        if batches:  # the position moved past what is not written yet: nobody may call the group caught up
            self._progress[group].busy = True
        count = sum(len(records) for records in batches.values())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.batch_linger_seconds
        while batches and count < self.batch_size and (left := deadline - loop.time()) > 0:
            more = await consumer.getmany(timeout_ms=max(1, int(left * 1000)), max_records=self.batch_size - count)
            for tp, records in more.items():
                batches.setdefault(tp, []).extend(records)
                count += len(records)
        return batches

    async def _batch(
        self,
        group: str,
        consumer: AIOKafkaConsumer,
        batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
    ) -> None:
        """Every record of ``batches`` to the group's batch handler at once, then every partition's offset
        committed together. Undecodable records are set aside; a batch the handler keeps refusing (not an
        outage) is halved until the records it refuses are found and set aside, one by one."""
        decoded: list[tuple[TopicPartition, ConsumerRecord[bytes, bytes], EventEnvelope]] = []
        for tp, records in batches.items():
            for record in records:
                try:
                    decoded.append((tp, record, decode(record.value or b"")))
                except Exception as exc:
                    await self._dead_letter(group, tp, record, None, exc, attempts=1)
        await self._deliver_batch(group, decoded)
        offsets = {tp: records[-1].offset + 1 for tp, records in batches.items() if records}
        pause = self.backoff_seconds
        while offsets:
            try:
                await consumer.commit(offsets)
                self._next[group].update(offsets)
                return
            except KafkaError as exc:
                offsets = {tp: offset for tp, offset in offsets.items() if tp in consumer.assignment()}
                log.warning("kafka: group %s cannot commit a batch (%r); retrying", group, exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, self.max_backoff_seconds)

    async def _deliver_batch(
        self, group: str, decoded: list[tuple[TopicPartition, ConsumerRecord[bytes, bytes], EventEnvelope]]
    ) -> None:
        if not decoded:
            return
        handler = self._batch_handlers[group]
        attempts, pause = 0, self.backoff_seconds
        while True:
            started = time.perf_counter()
            try:
                await handler([envelope for _, _, envelope in decoded])
                self.delivered += len(decoded)
                self._tried(group, "batch", HANDLED, started)
                return
            except Unavailable as exc:
                self._tried(group, "batch", UNAVAILABLE, started)
                log.warning("group %s: a batch of %d waits for an outage (%s)", group, len(decoded), exc)
            except Exception as exc:
                self._tried(group, "batch", FAILED, started)
                attempts += 1
                log.exception("group %s: a batch of %d failed (try %d)", group, len(decoded), attempts)
                if attempts >= self.max_attempts:
                    if len(decoded) == 1:
                        tp, record, envelope = decoded[0]
                        await self._dead_letter(group, tp, record, envelope, exc, attempts)
                        return
                    half = len(decoded) // 2
                    await self._deliver_batch(group, decoded[:half])
                    await self._deliver_batch(group, decoded[half:])
                    return
            await asyncio.sleep(pause)
            pause = min(pause * 2, self.max_backoff_seconds)

    async def _note_positions(
        self,
        group: str,
        consumer: AIOKafkaConsumer,
        progress: _Progress,
        batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
    ) -> None:
        """Where each partition held stands before this batch is handled: its first record, or (nothing
        fetched) the consumer's position, known once the partition was fetched from (no broker request)."""
        positions = self._next[group]
        for tp in list(progress.held):
            records = batches.get(tp)
            if records:
                positions[tp] = records[0].offset
                continue
            try:
                if consumer.highwater(tp) is not None:
                    positions[tp] = await consumer.position(tp)
            except (AssertionError, IllegalStateError):  # revoked meanwhile
                positions.pop(tp, None)

    def lags(self) -> list[Lag]:
        """Per group and partition held here: the records not handled yet (what ``/metrics`` shows)."""
        lags: list[Lag] = []
        for group, progress in list(self._progress.items()):
            positions = self._next.get(group, {})
            for tp in list(progress.held):
                position = positions.get(tp)
                try:
                    highwater = progress.consumer.highwater(tp)
                except (AssertionError, IllegalStateError):
                    continue
                if position is not None and highwater is not None:
                    lags.append((group, tp.topic, tp.partition, max(0, highwater - position)))
        return lags

    async def caught_up(self, *groups: str) -> None:
        """Until the named groups (each waited for until it runs here), or every group running in this
        process, have handled every event this process published (as far as the broker acknowledged it to
        the publisher: no request to the broker)."""
        ends = dict(self.publisher.acknowledged)

        async def one(group: str) -> None:
            await self._joined[group].wait()
            await self._progress[group].caught_up(ends)

        await asyncio.gather(*(one(group) for group in groups or list(self._progress)))

    async def _partition(
        self,
        group: str,
        consumer: AIOKafkaConsumer,
        tp: TopicPartition,
        records: list[ConsumerRecord[bytes, bytes]],
    ) -> None:
        by_key: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = defaultdict(list)
        for record in records:
            by_key[record.key].append(record)
        if len(by_key) == 1:
            for record in records:
                await self._handle(group, tp, record)
        else:
            slots = asyncio.Semaphore(KEYS_AT_ONCE)

            async def one_key(keyed: list[ConsumerRecord[bytes, bytes]]) -> None:
                async with slots:
                    for record in keyed:
                        await self._handle(group, tp, record)

            await asyncio.gather(*(one_key(keyed) for keyed in by_key.values()))
        offset = records[-1].offset + 1
        pause = self.backoff_seconds
        while True:
            try:
                await consumer.commit({tp: offset})
                self._next[group][tp] = offset
                break
            except KafkaError as exc:
                if tp not in consumer.assignment():
                    return  # taken over by another process: it resumes from the last commit (the inbox skips)
                log.warning("kafka: group %s cannot commit %s@%d (%r); retrying", group, tp, offset, exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, self.max_backoff_seconds)

    async def _handle(self, group: str, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            envelope = decode(record.value or b"")
        except Exception as exc:
            await self._dead_letter(group, tp, record, None, exc, attempts=1)
            return
        handlers = self._handlers[group].get(envelope.type)
        if not handlers:
            return
        attempts, pause = 0, self.backoff_seconds
        while True:
            started = time.perf_counter()
            try:
                with self.tracing.consuming(group, envelope, "kafka", record.headers, remote=True):
                    await self._deliver(envelope, handlers)
                self.delivered += 1
                self._tried(group, envelope.type, HANDLED, started)
                return
            except Unavailable as exc:
                self._tried(group, envelope.type, UNAVAILABLE, started)
                log.warning("group %s: %s %s waits for an outage (%s)", group, envelope.type, envelope.id, exc)
            except Exception as exc:
                self._tried(group, envelope.type, FAILED, started)
                attempts += 1
                log.exception("group %s: %s %s failed (try %d)", group, envelope.type, envelope.id, attempts)
                if attempts >= self.max_attempts:
                    await self._dead_letter(group, tp, record, envelope, exc, attempts)
                    return
            await asyncio.sleep(pause)
            pause = min(pause * 2, self.max_backoff_seconds)

    def _tried(self, group: str, event_type: str, outcome: str, started: float) -> None:
        if self.metrics is not None:
            self.metrics.tried(group, event_type, outcome, time.perf_counter() - started)

    @staticmethod
    async def _deliver(envelope: EventEnvelope, handlers: list[EventHandler]) -> None:
        event = from_envelope(envelope)
        token = correlation_id.set(envelope.correlation_id or envelope.id)
        try:
            for handler in handlers:
                await handler(event)
        finally:
            correlation_id.reset(token)

    async def _dead_letter(
        self,
        group: str,
        tp: TopicPartition,
        record: ConsumerRecord[bytes, bytes],
        envelope: EventEnvelope | None,
        exc: BaseException,
        attempts: int,
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.error(
            "group %s set %s@%d aside as a dead letter after %d tries: %s", group, tp, record.offset, attempts, error
        )
        headers = [
            ("group", group.encode()),
            ("error", error.encode()),
            ("topic", tp.topic.encode()),
            ("partition", str(tp.partition).encode()),
            ("offset", str(record.offset).encode()),
            ("attempts", str(attempts).encode()),
        ]
        if envelope is not None:
            headers.append(("type", envelope.type.encode()))
        pause = self.backoff_seconds
        while True:  # the partition may not move on before the dead letter is safe
            try:
                await self.publisher.send(dead_letter_topic(self.prefix), record.value or b"", record.key, headers)
                if self.metrics is not None:
                    self.metrics.dead_letter(group)
                return
            except Unavailable:
                await asyncio.sleep(pause)
                pause = min(pause * 2, self.max_backoff_seconds)
