"""A real Kafka for the infra tests: its address from the environment, scratch topics per test.

Each test gets a topic prefix of its own (``test<random>``), so tests never read each other's events and a
developer's running shop keeps its topics. The broker is the one ``scripts/services up`` starts.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from adapters.kafka.topics import dead_letter_topic, ensure_topics

DEFAULT_SERVERS = "127.0.0.1:29092"


def kafka_servers() -> str:
    """Where the real broker listens (``MARKETPLACE_KAFKA_BOOTSTRAP_SERVERS``, as the app reads it)."""
    return os.environ.get("MARKETPLACE_KAFKA_BOOTSTRAP_SERVERS", DEFAULT_SERVERS)


def scratch_prefix() -> str:
    return f"test{uuid.uuid4().hex[:10]}"


async def scratch_topics(prefix: str, contexts: list[str], partitions: int = 4) -> list[str]:
    """The topics of ``contexts`` under ``prefix``, and its dead-letter topic, created now.

    Fails the test, never skips it, when the broker does not answer."""
    topics = [f"{prefix}.{context}" for context in contexts] + [dead_letter_topic(prefix)]
    try:
        await ensure_topics(kafka_servers(), topics, partitions)
    except Exception as exc:
        pytest.fail(f"Kafka at {kafka_servers()} does not answer ({exc!r}): run scripts/services up")
    return topics


async def drop_topics(topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers())
    await admin.start()
    try:
        await admin.delete_topics(topics)
    finally:
        await admin.close()


async def empty_topics(topics: list[str]) -> None:
    """Delete every record of ``topics`` (Kafka's TRUNCATE): a consumer group resumes at their end."""
    from aiokafka.admin import RecordsToDelete
    from aiokafka.errors import LeaderNotAvailableError, NotLeaderForPartitionError
    from aiokafka.structs import TopicPartition

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers())
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
        partitions = [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            for partition in topic["partitions"]
        ]
        for attempt in range(50):  # topics made a moment ago may have no leader yet
            try:
                if partitions:
                    await admin.delete_records({tp: RecordsToDelete(before_offset=-1) for tp in partitions})
                return
            except (NotLeaderForPartitionError, LeaderNotAvailableError):
                if attempt == 49:
                    raise
                await asyncio.sleep(0.1)
    finally:
        await admin.close()
