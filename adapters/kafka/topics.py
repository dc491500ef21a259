"""Where events travel on Kafka: one topic per context, a dead-letter topic, and how an envelope is written.

Every event of a context goes to ``<prefix>.<context>`` (``marketplace.orders``), keyed by its aggregate's
key, so the events of one aggregate land on one partition and are read in the order they were committed.
An event a consumer group gives up on goes to ``<prefix>.dead-letter`` with the group, the error and where
it came from in its headers. The topics are created when a process starts (and by ``marketplace
migrate``), each with the configured number of partitions; topics that exist are left as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import orjson
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from core.shared.errors import Unavailable
from core.shared.events import EventEnvelope

log = logging.getLogger(__name__)

DEAD_LETTER = "dead-letter"
TOPIC_ALREADY_EXISTS = 36  # Kafka's error code


def context_of(event_type: str) -> str:
    """``orders.OrderPlaced.v1`` -> ``orders``: the context that owns (and publishes) the event."""
    return event_type.split(".", 1)[0]


def topic_of(prefix: str, event_type: str) -> str:
    return f"{prefix}.{context_of(event_type)}"


def dead_letter_topic(prefix: str) -> str:
    return f"{prefix}.{DEAD_LETTER}"


def encode(envelope: EventEnvelope) -> bytes:
    return orjson.dumps(envelope.to_dict())


def decode(value: bytes) -> EventEnvelope:
    return EventEnvelope.from_dict(orjson.loads(value))


async def ensure_topics(bootstrap_servers: str, topics: Iterable[str], partitions: int) -> list[str]:
    """Create the topics that do not exist yet; return the ones created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="marketplace-admin")
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = sorted(set(topics) - existing)
        if not missing:
            return []
        response = await admin.create_topics([NewTopic(name, partitions, 1) for name in missing])
    except KafkaError as exc:
        raise Unavailable(f"Kafka at {bootstrap_servers} is unavailable: {exc!r}") from exc
    finally:
        await admin.close()
    for name, code, *message in response.topic_errors:
        if code not in (0, TOPIC_ALREADY_EXISTS):
            raise Unavailable(f"Kafka refused to create the topic {name}: error {code} {message}")
    log.info("kafka: created the topics %s with %d partitions each", ", ".join(missing), partitions)
    return missing
