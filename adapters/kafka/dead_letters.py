"""The dead-letter topic, for a person: what was set aside and why, and sending it back.

``replay`` sends each dead letter not replayed yet back to the topic it came from (the groups that handled
it already skip it by their inbox; the one that refused it tries again) and remembers how far it got in
the consumer group ``<prefix>.dead-letter-replay``, so a letter is replayed once.
"""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from adapters.kafka.publisher import KafkaEventPublisher
from adapters.kafka.topics import dead_letter_topic, decode
from core.shared.errors import Unavailable
from ports.shared import DeadLetter

REPLAY_GROUP = "dead-letter-replay"


class KafkaDeadLetters:
    def __init__(self, bootstrap_servers: str, prefix: str, publisher: KafkaEventPublisher) -> None:
        self.bootstrap_servers, self.prefix, self.publisher = bootstrap_servers, prefix, publisher
        self.topic = dead_letter_topic(prefix)

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=f"{self.prefix}.{REPLAY_GROUP}",
            client_id="marketplace-dead-letters",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )

    async def _read(self, consumer: AIOKafkaConsumer, *, from_start: bool) -> list[ConsumerRecord[bytes, bytes]]:
        """The dead letters from the replay group's commit (or the start) to the end, in order."""
        partitions = [TopicPartition(self.topic, p) for p in sorted(consumer.partitions_for_topic(self.topic) or ())]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [
                TopicPartition(self.topic, p) for p in sorted(consumer.partitions_for_topic(self.topic) or ())
            ]
        consumer.assign(partitions)
        if from_start:
            await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[ConsumerRecord[bytes, bytes]] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                found.extend(r for r in records if r.offset < ends[TopicPartition(r.topic, r.partition)])
        return sorted(found, key=lambda r: (r.timestamp, r.partition, r.offset))

    async def list(self) -> list[DeadLetter]:
        consumer = self._consumer()
        try:
            await consumer.start()
            records = await self._read(consumer, from_start=True)
            replayed = {
                tp: (await consumer.committed(tp)) or 0
                for tp in {TopicPartition(r.topic, r.partition) for r in records}
            }
        except KafkaError as exc:
            raise Unavailable(f"Kafka at {self.bootstrap_servers} is unavailable: {exc!r}") from exc
        finally:
            await consumer.stop()
        return [_letter(r, r.offset < replayed[TopicPartition(r.topic, r.partition)]) for r in records]

    async def replay(self) -> int:
        consumer = self._consumer()
        try:
            await consumer.start()
            records = await self._read(consumer, from_start=False)
            for record in records:
                headers = dict(record.headers)
                source = headers.get("topic", b"").decode()
                kept = [(k, v) for k, v in record.headers if k in ("type", "id")]
                await self.publisher.send(source, record.value or b"", record.key, kept)
                await consumer.commit({TopicPartition(record.topic, record.partition): record.offset + 1})
        except KafkaError as exc:
            raise Unavailable(f"Kafka at {self.bootstrap_servers} is unavailable: {exc!r}") from exc
        finally:
            await consumer.stop()
        return len(records)


def _letter(record: ConsumerRecord[bytes, bytes], replayed: bool) -> DeadLetter:
    headers = {k: v.decode(errors="replace") for k, v in record.headers}
    try:
        envelope = decode(record.value or b"")
        event_type, event_id = envelope.type, envelope.id
    except Exception:
        event_type, event_id = headers.get("type", "?"), "?"
    return DeadLetter(
        position=f"{record.partition}:{record.offset}",
        group=headers.get("group", "?"),
        event_type=event_type,
        event_id=event_id,
        key=(record.key or b"").decode(errors="replace"),
        error=headers.get("error", ""),
        attempts=int(headers.get("attempts", "0") or 0),
        source=f"{headers.get('topic', '?')}:{headers.get('partition', '?')}:{headers.get('offset', '?')}",
        replayed=replayed,
    )
