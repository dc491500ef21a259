"""The metrics move on real infrastructure: a Kafka consumer group's lag per partition and its handled
events, an outbox's backlog in PostgreSQL, the saga census in PostgreSQL (the same as memory's), the
`/metrics` of `marketplace consume` and `marketplace work` processes, and Prometheus scraping a shop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import attrs
import pytest
import requests
from prometheus_client import CollectorRegistry

from adapters.event_metrics import EventMetrics
from adapters.kafka.consumers import KafkaConsumerGroups
from adapters.kafka.publisher import KafkaEventPublisher
from adapters.memory.clock import ManualClock
from adapters.memory.orchestrator import MemoryOrchestratorUnitOfWork, MemorySagaCensus, SagaTables
from adapters.postgres.orchestrator.repository import PostgresOrchestratorUnitOfWork, PostgresSagaCensus
from adapters.postgres.outbox import PostgresOutboxRelay
from adapters.postgres.unit_of_work import write_outbox
from adapters.system import SystemClock
from core.orchestrator.model import Saga, SagaLine, SagaStatus
from core.shared.addresses import PostalAddress
from core.shared.events import Event, EventEnvelope, domain_event, to_envelope
from core.shared.money import Money
from entrypoints.workers.metrics import OutboxMetrics
from entrypoints.workers.outbox_relay import OutboxRelayWorker
from tests.support.events import RecordingEventBus
from tests.support.kafka import drop_topics, kafka_servers, scratch_prefix, scratch_topics
from tests.support.metrics import value
from tests.support.postgres import scratch_pool
from tests.support.processes import Marketplace, cli, infra_env
from tests.support.sandboxes import SandboxServers, free_port
from tests.support.server import ServerThread
from tests.support.settings import memory_settings
from tests.support.shop import eventually

pytestmark = pytest.mark.infra

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ADDRESS = PostalAddress(recipient="Ann", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE")


@domain_event("crates.CrateLoaded.v1", key="crate_id")
@attrs.frozen(kw_only=True)
class CrateLoaded(Event):
    crate_id: str
    n: int


async def test_a_consumer_groups_lag_per_partition_grows_while_it_is_held_up_and_drains() -> None:
    prefix = scratch_prefix()
    topics = await scratch_topics(prefix, ["crates"], partitions=2)
    registry = CollectorRegistry()
    metrics = EventMetrics(registry)
    publisher = KafkaEventPublisher(kafka_servers(), prefix)
    publisher.metrics = metrics
    groups = KafkaConsumerGroups(kafka_servers(), prefix, publisher, backoff_seconds=0.01, metrics=metrics)
    gate = asyncio.Event()
    handled: list[int] = []

    async def load(event: CrateLoaded) -> None:
        await gate.wait()
        handled.append(event.n)

    groups.subscribe("loading", CrateLoaded, load)
    task = asyncio.create_task(groups.run("loading"))
    try:
        await publisher.publish([to_envelope(CrateLoaded(occurred_at=NOW, crate_id="c1", n=n)) for n in range(5)])
        for _ in range(600):  # the group joins, fetches the batch, and its handler waits at the gate
            if [lag for lag in groups.lags() if lag[3] == 5]:
                break
            await asyncio.sleep(0.05)
        [(group, topic, _, behind)] = [lag for lag in groups.lags() if lag[3]]
        assert (group, topic, behind) == ("loading", f"{prefix}.crates", 5)
        assert value(registry, "marketplace_events_published_total", type="crates.CrateLoaded.v1") == 5
        lag_samples = {
            s.labels["partition"]: s.value
            for s in registry.collect()
            for s in s.samples
            if s.name == "marketplace_consumer_lag"
        }
        assert sorted(lag_samples.values()) == [0, 5]  # both partitions are shown, each with its own lag

        gate.set()
        async with asyncio.timeout(30):
            await groups.caught_up("loading")
        assert handled == [0, 1, 2, 3, 4]
        assert [lag[3] for lag in groups.lags()] == [0, 0]
        handled_total = value(
            registry,
            "marketplace_consumer_events_total",
            group="loading",
            type="crates.CrateLoaded.v1",
            outcome="handled",
        )
        assert handled_total == 5
        assert value(registry, "marketplace_consumer_handler_duration_seconds_count", group="loading") == 5
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await publisher.close()
        await drop_topics(topics)


class Collecting:
    def __init__(self) -> None:
        self.published: list[EventEnvelope] = []

    async def publish(self, envelopes: list[EventEnvelope]) -> None:
        self.published.extend(envelopes)


@pytest.fixture
async def outbox_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("monitoring_outbox") as pool:
        yield pool


async def test_an_outboxs_backlog_is_measured_by_its_relay(outbox_pool: asyncpg.Pool) -> None:
    registry = CollectorRegistry()
    relay = PostgresOutboxRelay(outbox_pool, Collecting())
    worker = OutboxRelayWorker(relay, database="orders", metrics=OutboxMetrics(registry))
    await worker.measure()
    assert value(registry, "marketplace_outbox_pending_events", database="orders") == 0

    async with outbox_pool.acquire() as conn, conn.transaction():
        await write_outbox(conn, [to_envelope(CrateLoaded(occurred_at=NOW, crate_id="c", n=n)) for n in range(3)])
        await conn.execute("UPDATE outbox SET created_at = now() - interval '2 minutes'")
    await worker.measure()
    assert value(registry, "marketplace_outbox_pending_events", database="orders") == 3
    assert value(registry, "marketplace_outbox_oldest_pending_age_seconds", database="orders") >= 120

    assert await worker.drain() == 3
    await worker.measure()
    assert value(registry, "marketplace_outbox_pending_events", database="orders") == 0
    assert value(registry, "marketplace_outbox_oldest_pending_age_seconds", database="orders") == 0
    assert value(registry, "marketplace_outbox_published_events_total", database="orders") == 3


def checkout(order_id: str, clock: ManualClock) -> Saga:
    return Saga.checkout(
        order_id=order_id,
        customer_id="customer-1",
        lines=[SagaLine("lamp", 1)],
        total=Money(2499, "EUR"),
        address=ADDRESS,
        payment_token="tok_visa",
        now=clock.now(),
    )


async def test_the_saga_census_of_postgresql_is_memorys() -> None:
    tables = SagaTables()
    async with scratch_pool("monitoring_sagas", contexts=["orchestrator"]) as pool:
        for uow in (MemoryOrchestratorUnitOfWork(tables, RecordingEventBus()), PostgresOrchestratorUnitOfWork(pool)):
            clock = ManualClock(NOW)
            async with uow:
                await uow.sagas.add(checkout("order-1", clock))
                clock.advance(60)
                second = checkout("order-2", clock)
                clock.advance(30)
                second.stock_answered(True, clock.now())
                second.note("gateway away, trying again", clock.now())  # a note at the new step moves nothing
                await uow.sagas.add(second)
                ended = checkout("order-3", clock)
                ended.stock_answered(False, clock.now())  # short of stock: cancel_order
                await uow.sagas.add(ended)
                await uow.commit()
        memory = await MemorySagaCensus(tables).tally()
        postgres = await PostgresSagaCensus(pool).tally()
    assert memory == postgres
    assert {(t.step, t.count, t.oldest_at_step) for t in postgres if t.status == SagaStatus.RUNNING.value} == {
        ("reserve_stock", 1, NOW),
        ("authorize_payment", 1, NOW.replace(minute=1, second=30)),
        ("cancel_order", 1, NOW.replace(minute=1, second=30)),
    }


def scrape(port: int) -> str:
    answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
    answer.raise_for_status()
    return answer.text


@pytest.fixture
def processes() -> Iterator[tuple[int, int]]:
    sandboxes = SandboxServers(app_port=free_port())
    consume_port, work_port = free_port(), free_port()
    with infra_env("monitoring", sandboxes, MARKETPLACE_METRICS_REFRESH_SECONDS="0.2") as env:
        sandboxes.start(memory_settings(), SystemClock())
        cli(env, "migrate")
        consumers = Marketplace(env, "consume", "--metrics-port", str(consume_port), "orchestrator")
        workers = Marketplace(env, "work", "--metrics-port", str(work_port), "saga-sweeper", "outbox-relay")
        try:
            consumers.start()
            workers.start()
            yield consume_port, work_port
        finally:
            consumers.stop()
            workers.stop()
            sandboxes.stop()


def test_consume_and_work_processes_serve_their_metrics(processes: tuple[int, int]) -> None:
    consume_port, work_port = processes

    def lag_shown() -> bool:
        with contextlib.suppress(requests.RequestException):
            return 'marketplace_consumer_lag{group="orchestrator"' in scrape(consume_port)
        return False

    eventually("the consumers' lag on their /metrics", lag_shown, 60)
    assert requests.get(f"http://127.0.0.1:{consume_port}/health/ready", timeout=5).status_code == 200

    def census_and_backlog() -> bool:
        with contextlib.suppress(requests.RequestException):
            text = scrape(work_port)
            return (
                'marketplace_worker_passes_total{outcome="ok",worker="saga-census"}' in text
                and 'marketplace_outbox_pending_events{database="orchestrator"} 0.0' in text
            )
        return False

    eventually("the workers' census and backlog on their /metrics", census_and_backlog, 30)
    assert requests.get(f"http://127.0.0.1:{work_port}/health/live", timeout=5).status_code == 200


def test_prometheus_scrapes_a_shop_and_loads_the_alert_rules(tmp_path: Path) -> None:
    prometheus = shutil.which("prometheus")
    if prometheus is None:  # scripts/test installs it (with promtool)
        pytest.fail("prometheus is missing: apt-get install prometheus (scripts/test does)")
    root = Path(__file__).resolve().parents[2]
    server = ServerThread(memory_settings()).start()
    port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: ['{root / 'deploy' / 'prometheus' / 'alerts.yml'}']\n"
        "scrape_configs:\n"
        f"  - {{job_name: marketplace, static_configs: [{{targets: ['127.0.0.1:{server.port}']}}]}}\n"
    )
    process = subprocess.Popen(  # noqa: S603
        [
            prometheus,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def ask(path: str) -> dict[str, object]:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            return json.loads(answer.read())["data"]  # type: ignore[no-any-return]

    def target_up() -> bool:
        with contextlib.suppress(OSError):
            targets = ask("/api/v1/targets")["activeTargets"]
            return any(t["health"] == "up" for t in targets)  # type: ignore[index,union-attr]
        return False

    try:
        eventually("Prometheus to scrape the shop", target_up, 20)
        series = ask("/api/v1/query?query=marketplace_process_resident_memory_bytes")["result"]
        assert series, "the shop's metrics are in Prometheus"
        rules = [rule["name"] for group in ask("/api/v1/rules")["groups"] for rule in group["rules"]]  # type: ignore[index,union-attr]
        assert {"MarketplaceOutboxBacklog", "MarketplaceConsumerLag", "MarketplaceSagaStuck"} <= set(rules)
    finally:
        process.terminate()
        process.wait(10)
        server.stop()
