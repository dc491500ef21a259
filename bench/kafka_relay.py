"""Benchmark: the outbox relay publishing to Kafka, against a raw aiokafka producer sending the same events.

    scripts/services up && set -a && eval "$(scripts/services env)" && set +a
    python -m bench.kafka_relay                    # 20000 events, 3 alternating rounds
    python -m bench.kafka_relay --events 50000 --rounds 5

Each round writes ``--events`` envelopes (keyed over 1000 aggregates) into an outbox table of a scratch
PostgreSQL database, then times the relay (``PostgresOutboxRelay`` + ``KafkaEventPublisher``: claim a
batch with FOR UPDATE SKIP LOCKED, send it with the idempotent producer, ``acks=all``, wait for every
acknowledgement, mark the rows published) until the outbox is empty. The same round times a raw
``AIOKafkaProducer`` (idempotent, ``acks=all``) sending the same encoded envelopes to the same topic in
batches of the relay's size, waiting for each batch's acknowledgements: the floor of what Kafka costs
here. It prints events/s for both, their ratio (target: the relay at 0.5 of the raw producer or more),
medians over the rounds. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aiokafka import AIOKafkaProducer

from adapters.kafka.publisher import KafkaEventPublisher
from adapters.kafka.topics import encode, ensure_topics, topic_of
from adapters.postgres.migrations import ensure_database, migrate
from adapters.postgres.outbox import PostgresOutboxRelay
from adapters.postgres.pool import create_pool
from adapters.postgres.unit_of_work import write_outbox
from core.shared.events import EventEnvelope

BATCH = 500
KEYS = 1000


def envelopes(count: int) -> list[EventEnvelope]:
    now = datetime.now(UTC)
    return [
        EventEnvelope(
            id=str(uuid.uuid4()),
            type="orders.BenchmarkHappened.v1",
            occurred_at=now,
            key=f"order-{n % KEYS}",
            payload={"order_id": f"order-{n % KEYS}", "n": n, "note": "x" * 200},
        )
        for n in range(count)
    ]


async def fill_outbox(pool: asyncpg.Pool, events: list[EventEnvelope]) -> None:
    for start in range(0, len(events), 5000):
        async with pool.acquire() as conn, conn.transaction():
            await write_outbox(conn, events[start : start + 5000])


async def time_relay(relay: PostgresOutboxRelay) -> float:
    began = time.perf_counter()
    while await relay.relay_once(BATCH):
        pass
    return time.perf_counter() - began


async def time_raw(servers: str, topic: str, events: list[EventEnvelope]) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=servers, enable_idempotence=True, acks="all", linger_ms=0)
    await producer.start()
    try:
        began = time.perf_counter()
        for start in range(0, len(events), BATCH):
            sent = [
                await producer.send(topic, encode(e), key=e.key.encode(), headers=[("type", e.type.encode())])
                for e in events[start : start + BATCH]
            ]
            await asyncio.gather(*sent)
        return time.perf_counter() - began
    finally:
        await producer.stop()


async def main(count: int, rounds: int) -> None:
    servers = os.environ.get("MARKETPLACE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:29092")
    base = os.environ.get("MARKETPLACE_USERS_DB_DSN", "postgresql://marketplace:marketplace@127.0.0.1:55432/users")
    dsn = urlunsplit(urlsplit(base)._replace(path="/bench_relay"))
    await ensure_database(dsn)
    await migrate(dsn, ["auth"])  # any context: the outbox comes with every database
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    topic = topic_of(prefix, "orders.BenchmarkHappened.v1")
    await ensure_topics(servers, [topic], 8)
    pool = await create_pool(dsn, 2, 4, 10.0)  # the app's pool: its JSON codec for the payloads
    publisher = KafkaEventPublisher(servers, prefix)
    relay = PostgresOutboxRelay(pool, publisher)
    relay_rates: list[float] = []
    raw_rates: list[float] = []
    try:
        await pool.execute("TRUNCATE outbox")
        await fill_outbox(pool, envelopes(1000))  # warm up both paths once
        await time_relay(relay)
        await time_raw(servers, topic, envelopes(1000))
        for n in range(rounds):
            events = envelopes(count)
            await pool.execute("TRUNCATE outbox")
            await fill_outbox(pool, events)
            relay_rates.append(count / await time_relay(relay))
            raw_rates.append(count / await time_raw(servers, topic, events))
            print(f"round {n + 1}: relay {relay_rates[-1]:8.0f} events/s   raw producer {raw_rates[-1]:8.0f} events/s")
    finally:
        await publisher.close()
        await pool.close()
    relay_rate, raw_rate = statistics.median(relay_rates), statistics.median(raw_rates)
    print(f"\n{count} events a round, batches of {BATCH}, {KEYS} keys, {rounds} rounds, cores={os.cpu_count()}")
    print(f"{'path':34} {'events/s (median)':>18}")
    print(f"{'outbox relay -> Kafka':34} {relay_rate:18.0f}")
    print(f"{'raw aiokafka producer':34} {raw_rate:18.0f}")
    print(f"ratio relay / raw: {relay_rate / raw_rate:.2f} (target >= 0.50)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rounds))
