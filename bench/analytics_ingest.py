"""Benchmark: the analytics consumer group taking a burst from Kafka into ClickHouse (embedded, chdb), against
a raw insert of the same rows.

    scripts/services up && set -a && eval "$(scripts/services env)" && set +a
    python -m bench.analytics_ingest                   # 50000 events, 3 rounds
    python -m bench.analytics_ingest --events 100000 --rounds 5

Each round publishes ``--events`` order events (an ``OrderPlaced`` with two lines, as the shop writes them,
keyed over 1000 orders) to the orders topic of a scratch prefix, then times:

- **raw**: the same rows inserted straight into the events table of a scratch database, in batches of the
  group's size (``EmbeddedClickHouse.insert``): the floor of what ClickHouse costs here;
- **group**: a fresh analytics consumer group (``KafkaConsumerGroups`` with the analytics handler: fetch,
  decode, redact, one insert per batch, commit the offsets) from the topic's start until every event is in
  the table.

It prints events/s for both and their ratio, medians over the rounds. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from adapters.clickhouse.analytics import COLUMNS, ClickHouseAnalytics
from adapters.clickhouse.clients import EmbeddedClickHouse
from adapters.kafka.consumers import KafkaConsumerGroups
from adapters.kafka.publisher import KafkaEventPublisher
from adapters.kafka.topics import dead_letter_topic, ensure_topics
from core.analytics.model import RecordedEvent
from core.analytics.use_cases import RecordEvents
from core.orders.events import OrderLine, OrderPlaced
from core.shared.addresses import PostalAddress
from core.shared.events import EventEnvelope, to_envelope
from core.shared.money import Money

BATCH = 5000
KEYS = 1000
ADDRESS = PostalAddress(recipient="Ann", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE")


def burst(count: int) -> list[EventEnvelope]:
    now = datetime.now(UTC)
    price = Money(1250, "EUR")
    events = []
    for n in range(count):
        order = f"order-{n % KEYS}-{n}"
        cup = OrderLine(product_id=f"p-{n % 97}", seller_id=f"s-{n % 7}", title="Cup", unit_price=price, quantity=2)
        pot = OrderLine(product_id=f"p-{n % 89}", seller_id=f"s-{n % 5}", title="Teapot", unit_price=price, quantity=1)
        lines = [cup, pot]
        placed = OrderPlaced(
            order_id=order, customer_id=f"u-{n % 300}", lines=lines, total=Money(3750, "EUR"), address=ADDRESS,
            payment_token="tok_visa", occurred_at=now,  # noqa: S106
        )  # fmt: skip
        events.append(to_envelope(placed))
    return events


async def raw(store: ClickHouseAnalytics, events: list[EventEnvelope]) -> float:
    rows = [
        (e.event_id, e.type, e.occurred_at, e.key, e.correlation_id, e.payload)
        for e in (RecordedEvent.of(envelope) for envelope in events)
    ]
    await store.truncate()
    started = time.perf_counter()
    for start in range(0, len(rows), BATCH):
        await store.client.insert(f"{store.database}.events", COLUMNS, rows[start : start + BATCH])
    return len(rows) / (time.perf_counter() - started)


async def through_group(servers: str, prefix: str, store: ClickHouseAnalytics, total: int) -> float:
    await store.truncate()
    publisher = KafkaEventPublisher(servers, prefix)
    groups = KafkaConsumerGroups(
        servers, prefix, publisher, group_prefix=f"{prefix}-{uuid.uuid4().hex[:6]}", every_topic=[f"{prefix}.orders"]
    )
    written, done = [0], asyncio.Event()

    async def record(envelopes: Sequence[EventEnvelope]) -> None:
        written[0] += await RecordEvents(store)(envelopes)
        if written[0] >= total:
            done.set()

    groups.subscribe_batches("analytics", record)
    started = time.perf_counter()
    task = asyncio.create_task(groups.run("analytics"))
    try:
        await done.wait()
        return total / (time.perf_counter() - started)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.close()


async def main(events: int, rounds: int) -> None:
    servers = os.environ.get("MARKETPLACE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:29092")
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    await ensure_topics(servers, [f"{prefix}.orders", dead_letter_topic(prefix)], partitions=4)
    store = ClickHouseAnalytics(EmbeddedClickHouse(tempfile.mkdtemp(prefix="bench-chdb-")), "bench")
    await store.ensure()
    burst_events = burst(events)
    publisher = KafkaEventPublisher(servers, prefix)
    for start in range(0, len(burst_events), 1000):
        await publisher.publish(burst_events[start : start + 1000])
    await publisher.close()
    raws, groups = [], []
    for n in range(rounds):
        raws.append(await raw(store, burst_events))
        groups.append(await through_group(servers, prefix, store, events))
        print(f"round {n + 1}: raw insert {raws[-1]:,.0f} events/s, analytics group {groups[-1]:,.0f} events/s")
    r, g = statistics.median(raws), statistics.median(groups)
    print(f"median of {rounds}: raw insert {r:,.0f} events/s, analytics group from Kafka {g:,.0f} events/s", end="")
    print(f", ratio {g / r:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rounds))
