"""The shop's processes as an operator runs them: `marketplace <command>` in OS processes of their own, on
the infra profile, against throwaway databases, a scratch Redis database, scratch Kafka topics, scratch
Elasticsearch indexes and a scratch S3 bucket."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import requests

from config.container import DATABASES, topics
from config.settings import Settings, load_settings
from tests.support.elasticsearch import elasticsearch_url, scratch_search_index
from tests.support.elasticsearch import scratch_prefix as search_prefix
from tests.support.kafka import drop_topics, kafka_servers, scratch_prefix
from tests.support.postgres import drop_database, fresh_database
from tests.support.redis import redis_url, scratch_redis, with_db
from tests.support.s3 import drop_bucket, s3_endpoint, scratch_bucket
from tests.support.sandboxes import SandboxServers
from tests.support.settings import TEST_ENV
from tests.support.shop import eventually

REDIS_DB = 13
ROOT = Path(__file__).resolve().parents[2]


class Marketplace:
    """`marketplace <args>` in a process of its own, started and killed at will."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.env, self.args = env, args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Marketplace:
        # Its log goes to a file of its own (TEST_PROCESS_LOGS, a folder), to read after a failure.
        folder = os.environ.get("TEST_PROCESS_LOGS")
        log = open(os.path.join(folder, f"{self.args[0]}.log"), "ab") if folder else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "entrypoints.cli", *self.args], env=self.env, stdout=log, stderr=log
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no leaving the consumer group, nothing flushed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


class Api(Marketplace):
    """A process serving the API on ``port`` (`marketplace serve` or `marketplace run`)."""

    def __init__(self, env: dict[str, str], command: str, port: int) -> None:
        super().__init__(env, command, "--port", str(port))
        self.port = port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> Api:
        """Start it; with ``wait``, return once it answers (else ``wait_until_up`` says when)."""
        super().start()
        if wait:
            self.wait_until_up()
        return self

    def wait_until_up(self) -> None:
        def up() -> bool:
            try:
                return requests.get(f"{self.base_url}/health/live", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        eventually("the shop to start", up, 60)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes `marketplace` load ``settings`` (the test server's, say): this process's
    environment without its MARKETPLACE_* names, and every setting that is not its default."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    defaults = Settings()
    for field in attrs.fields(Settings):
        value = getattr(settings, field.name)
        if value != getattr(defaults, field.name):
            text = str(value).lower() if isinstance(value, bool) else str(value)
            env[f"MARKETPLACE_{field.name.upper()}"] = text
    return env


def cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "entrypoints.cli", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def services(*args: str) -> None:
    """`scripts/services` on this checkout's servers (their ports from the environment, as scripts/test
    started them): ``services("down", "kafka")`` stops the broker under the shop, say."""
    done = subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "services"), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@contextmanager
def infra_env(name: str, sandboxes: SandboxServers, **settings: str) -> Iterator[dict[str, str]]:
    """The environment of the shop's processes: fresh databases named ``<name>_<database>``, the scratch
    Redis database, topics of their own, the sandboxes' addresses, and quick timings; ``settings`` add to
    it. Everything is dropped afterwards."""
    dsns = {
        f"MARKETPLACE_{database.upper()}_DB_DSN": asyncio.run(fresh_database(f"{name}_{database}", contexts=contexts))
        for database, contexts in DATABASES.items()
    }
    asyncio.run(_empty_redis())
    bucket = asyncio.run(_scratch_bucket())
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    env.update(
        dsns,
        **TEST_ENV,
        MARKETPLACE_PROFILE="infra",
        MARKETPLACE_REDIS_URL=with_db(redis_url(), REDIS_DB),
        MARKETPLACE_KAFKA_BOOTSTRAP_SERVERS=kafka_servers(),
        MARKETPLACE_KAFKA_TOPIC_PREFIX=scratch_prefix(),
        MARKETPLACE_KAFKA_PARTITIONS="2",
        MARKETPLACE_PAYMENT_GATEWAY_URL=sandboxes.payments_url,
        MARKETPLACE_LOGISTICS_API_URL=sandboxes.logistics_url,
        MARKETPLACE_S3_ENDPOINT_URL=s3_endpoint(),
        MARKETPLACE_S3_BUCKET=bucket,
        MARKETPLACE_ELASTICSEARCH_URL=elasticsearch_url(),
        MARKETPLACE_SEARCH_INDEX_PREFIX=search_prefix(),
        # The processes' embedded ClickHouse: a path of their own (one process holds a path at a time; the
        # analytics group runs in one process of a test, never in the test's own).
        MARKETPLACE_ANALYTICS_PATH=tempfile.mkdtemp(prefix="marketplace-chdb-processes-"),
        MARKETPLACE_ANALYTICS_BATCH_SECONDS="0",
        MARKETPLACE_OUTBOX_POLL_SECONDS="0.2",
        MARKETPLACE_LOG_LEVEL="WARNING",
        **settings,
    )
    try:
        yield env
    finally:
        for dsn in dsns.values():
            asyncio.run(drop_database(dsn))
        asyncio.run(drop_topics(topics(load_settings(env))))
        asyncio.run(drop_bucket(bucket))
        asyncio.run(_drop_indexes(env["MARKETPLACE_SEARCH_INDEX_PREFIX"]))


async def _drop_indexes(prefix: str) -> None:
    index = await scratch_search_index(prefix)
    try:
        await index.delete_indexes()
    finally:
        await index.close()


async def _empty_redis() -> None:
    client = await scratch_redis(REDIS_DB)
    await client.aclose()


async def _scratch_bucket() -> str:
    bucket = await scratch_bucket()
    await bucket.close()
    return bucket.name
