"""Fixtures shared by tests/ and features/: the app on each profile, and a client for it.

Every suite that takes ``server`` or ``api`` runs twice: on the memory profile and on the infra profile
(real PostgreSQL and Redis from ``scripts/services up``; those runs are marked ``infra``).
"""

from __future__ import annotations

import asyncio
import pkgutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from config.container import DATABASES, database_dsn
from config.settings import Settings, load_settings
from tests.support.http import ApiClient
from tests.support.sandboxes import SandboxServers, free_port
from tests.support.server import ServerThread
from tests.support.settings import TEST_SETTINGS, memory_settings

# The steps' modules import one another, so most are imported before pytest loads them as plugins (below):
# marked here, before any is imported, their asserts are rewritten all the same.
pytest.register_assert_rewrite("features.steps")

# "temporal" is infra with the sagas on Temporal: only the tests marked `sagas` run on it.
PROFILES = ["memory", pytest.param("infra", marks=pytest.mark.infra), pytest.param("temporal", marks=pytest.mark.infra)]
BROWSER_TESTS = Path(__file__).parent / "tests" / "browser"
APP_REDIS_DB = 14


async def _infra_settings(sandboxes: SandboxServers, **overrides: Any) -> Settings:
    """A fresh database for each of the app's PostgreSQL databases, a scratch Redis database, a scratch S3
    bucket, and the sandbox gateway and carrier as servers of their own."""
    from tests.support.clickhouse import embedded_path, scratch_database
    from tests.support.elasticsearch import elasticsearch_url
    from tests.support.elasticsearch import scratch_prefix as search_prefix
    from tests.support.kafka import kafka_servers, scratch_prefix
    from tests.support.postgres import fresh_database
    from tests.support.redis import redis_url, scratch_redis, with_db
    from tests.support.s3 import s3_settings, scratch_bucket

    dsns = {
        f"{database}_db_dsn": await fresh_database(f"app_{database}", contexts=contexts)
        for database, contexts in DATABASES.items()
    }
    client = await scratch_redis(APP_REDIS_DB)
    await client.aclose()
    bucket = await scratch_bucket()
    await bucket.close()
    return load_settings(
        {},
        profile="infra",
        redis_url=with_db(redis_url(), APP_REDIS_DB),
        # Topics of this run's own (a developer's shop keeps its topics), with few partitions: each test
        # starts its consumer groups afresh, and a group joins faster the fewer partitions it is handed.
        kafka_bootstrap_servers=kafka_servers(),
        kafka_topic_prefix=scratch_prefix(),
        kafka_partitions=2,
        consumer_max_attempts=3,
        elasticsearch_url=elasticsearch_url(),
        search_index_prefix=search_prefix(),
        # The embedded ClickHouse's one data path of this test process, and a database of this run's own.
        analytics_path=embedded_path(),
        analytics_database=scratch_database(),
        # No waiting for more events after the first of a batch: a test settles after every write, and the
        # wait would be added to each settle (bench/analytics_ingest.py measures the batching).
        analytics_batch_seconds=0,
        outbox_poll_seconds=0.2,
        payment_gateway_url=sandboxes.payments_url,
        logistics_api_url=sandboxes.logistics_url,
        # Short enough for tok_timeout to time out quickly (the sandbox answers it after 1 s).
        payment_gateway_timeout_seconds=0.4,
        payment_gateway_retries=1,
        logistics_api_timeout_seconds=2.0,
        **s3_settings(bucket.name),
        **dsns,
        **TEST_SETTINGS,
        **overrides,
    )


def _temporal_settings() -> dict[str, Any]:
    """The sagas on the Temporal dev server, on a task queue of this server's own (a queue no other
    worker polls: another run's workflows are not ours to run)."""
    from tests.support.temporal import temporal_address

    return {
        "saga_engine": "temporal",
        "temporal_address": temporal_address(),
        "temporal_task_queue": f"test-sagas-{uuid.uuid4().hex[:12]}",
        # A step that failed (the carrier refusing a booking) is tried again within a second, not a minute:
        # the tests move the shop's clock, and Temporal's timers run on the wall clock.
        "saga_step_limit_seconds": 1.0,
    }


class Wiper:
    """Empties every table (but the migrations record) and the Redis database: a clean shop. It keeps a
    connection per database and the TRUNCATE of its tables (migrated once, they do not change), since it
    runs before every infra test. Used on the server's event loop only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connections: dict[str, asyncpg.Connection] = {}
        self.statements: dict[str, str] = {}
        self.redis: Any = None
        self.search: Any = None  # the scratch Elasticsearch indexes
        self.activity: Any = None  # the scratch activity log
        self.analytics: Any = None  # the embedded ClickHouse's event history

    async def wipe(self) -> None:
        from config.container import topics
        from tests.support.clickhouse import scratch_analytics
        from tests.support.elasticsearch import (
            empty_activity_log,
            empty_indexes,
            scratch_activity_log,
            scratch_search_index,
        )
        from tests.support.kafka import empty_topics
        from tests.support.redis import scratch_redis

        await empty_topics(topics(self.settings))
        if self.search is None:
            self.search = await scratch_search_index(self.settings.search_index_prefix)
        await empty_indexes(self.search)
        if self.activity is None:
            self.activity = await scratch_activity_log(self.settings.search_index_prefix)
        await empty_activity_log(self.activity)
        if self.analytics is None:
            self.analytics = await scratch_analytics(self.settings.analytics_database)
        await self.analytics.truncate()
        for database in DATABASES:
            conn = self.connections.get(database)
            if conn is None or conn.is_closed():
                conn = self.connections[database] = await asyncpg.connect(database_dsn(self.settings, database))
                tables = await conn.fetch(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables "
                    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> 'schema_migrations'"
                )
                self.statements[database] = f"TRUNCATE {', '.join(t['name'] for t in tables)}" if tables else ""
            if self.statements[database]:
                await conn.execute(self.statements[database])
        if self.redis is None:
            self.redis = await scratch_redis(APP_REDIS_DB)
        else:
            await self.redis.flushdb()
        if self.settings.saga_engine == "temporal":
            from tests.support.temporal import end_workflows

            await end_workflows(self.settings.temporal_task_queue)  # the last test's sagas, still waiting

    async def close(self) -> None:
        for conn in self.connections.values():
            await conn.close()
        if self.redis is not None:
            await self.redis.aclose()
        if self.search is not None:
            await self.search.delete_indexes()
            await self.search.close()
        if self.activity is not None:
            await self.activity.delete_index()
            await self.activity.close()
        if self.analytics is not None:
            await self.analytics.drop()


# Each infra server's wiper, by the server's id.
WIPERS: dict[int, Wiper] = {}


@pytest.fixture(scope="session", params=PROFILES)
def server(request: pytest.FixtureRequest) -> Iterator[ServerThread]:
    if request.param in ("infra", "temporal"):
        port = free_port()
        sandboxes = SandboxServers(app_port=port, slow_seconds=1.0)
        overrides = _temporal_settings() if request.param == "temporal" else {}
        settings = asyncio.run(_infra_settings(sandboxes, **overrides))
        thread = ServerThread(settings, port=port, sandboxes=sandboxes).start()
    else:
        thread = ServerThread(memory_settings()).start()
    settings = thread.settings
    wiper = Wiper(settings) if settings.uses_infra else None
    if wiper is not None:
        WIPERS[id(thread)] = wiper
    try:
        yield thread
    finally:
        if wiper is not None:
            thread.call(wiper.close())
            del WIPERS[id(thread)]
        thread.stop()
        if settings.uses_infra:
            from tests.support.postgres import drop_database
            from tests.support.s3 import drop_bucket

            for database in DATABASES:
                asyncio.run(drop_database(database_dsn(settings, database)))
            asyncio.run(drop_bucket(settings.s3_bucket))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``upload_route`` exercise the memory profile's upload route (PUT /uploads): on infra
    the upload URLs are S3's, and there is no such route to test. Tests marked ``memory_only`` say in their
    module why the memory profile is enough. The "temporal" server runs only the tests
    marked ``sagas`` (the checkout and refund features, the walkthrough): the rest does not touch the sagas'
    engine, and runs on "infra" already."""

    def profile(item: pytest.Item) -> str | None:
        callspec = getattr(item, "callspec", None)
        return None if callspec is None else callspec.params.get("server")

    left_out = [
        item
        for item in items
        if (
            (item.get_closest_marker("upload_route") or item.get_closest_marker("memory_only"))
            and profile(item) in ("infra", "temporal")
        )
        or (profile(item) == "temporal" and not item.get_closest_marker("sagas"))
    ]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, left_out))
        items[:] = [item for item in items if id(item) not in kept]
    # The browser tests last: Playwright's synchronous API keeps an event loop running in this thread from
    # its first test to the end of the session, and the fixtures of the other tests call asyncio.run.
    items.sort(key=lambda item: BROWSER_TESTS in item.path.parents)


@pytest.fixture
def api(server: ServerThread) -> ApiClient:
    """A client of a shop emptied for this test."""
    if server.settings.uses_infra:
        server.call(WIPERS[id(server)].wipe())
    # A fresh runtime too: in-process read models (the memory search index) and the clock start over.
    server.restart()
    return ApiClient(server.base_url, after_write=server.settle, clock=server.clock)


# Every module of features/steps: a context's steps are found without editing this file.
pytest_plugins = [
    f"features.steps.{module.name}"
    for module in pkgutil.iter_modules([str(Path(__file__).parent / "features" / "steps")])
    if module.name != "text"
]
