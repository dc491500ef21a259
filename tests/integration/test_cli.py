"""The ``marketplace`` command as an operator runs it, against a real PostgreSQL (infra)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from config.container import DATABASES, topics
from config.settings import load_settings
from tests.support.kafka import drop_topics, kafka_servers, scratch_prefix
from tests.support.postgres import create_database, drop_database
from tests.support.redis import redis_url
from tests.support.s3 import drop_bucket, s3_endpoint, scratch_bucket_name
from tests.support.settings import TEST_ENV

pytestmark = pytest.mark.infra

PASSWORD = "correct horse battery"


def marketplace(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "entrypoints.cli", *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def env() -> Iterator[dict[str, str]]:
    dsn = asyncio.run(create_database("cli"))
    bucket = scratch_bucket_name()  # `migrate` makes it
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    environ.update(
        MARKETPLACE_PROFILE="infra",
        MARKETPLACE_USERS_DB_DSN=dsn,
        MARKETPLACE_REDIS_URL=redis_url(),
        **TEST_ENV,
        MARKETPLACE_KAFKA_BOOTSTRAP_SERVERS=kafka_servers(),
        MARKETPLACE_KAFKA_TOPIC_PREFIX=scratch_prefix(),
        MARKETPLACE_S3_ENDPOINT_URL=s3_endpoint(),
        MARKETPLACE_S3_BUCKET=bucket,
    )
    yield environ
    asyncio.run(drop_database(dsn))
    asyncio.run(drop_topics(topics(load_settings(environ))))
    asyncio.run(drop_bucket(bucket))


def test_migrate_applies_every_migration_once(env: dict[str, str]) -> None:
    first = marketplace("migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert "users: 4 migration(s) applied" in first.stdout  # the outbox & inbox (2), auth, users
    assert [line.split(":")[0] for line in first.stdout.splitlines()] == [*DATABASES, "kafka", "s3"]
    assert "auth/0001_accounts" in first.stdout
    prefix = env["MARKETPLACE_KAFKA_TOPIC_PREFIX"]
    created = len(topics(load_settings(env)))  # one per context, and the dead letters
    assert f"kafka: {created} topic(s) created: {prefix}.activity, {prefix}.analytics, " in first.stdout
    assert f"{prefix}.dead-letter" in first.stdout
    assert f"s3: bucket {env['MARKETPLACE_S3_BUCKET']} created" in first.stdout
    again = marketplace("migrate", env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        *(f"{database}: 0 migration(s) applied" for database in DATABASES),
        "kafka: 0 topic(s) created",
        f"s3: bucket {env['MARKETPLACE_S3_BUCKET']} was there",
    ]


def test_set_roles_makes_the_first_admin(env: dict[str, str]) -> None:
    assert marketplace("migrate", env=env).returncode == 0
    unknown = marketplace("set-roles", "ann@example.com", "admin", env=env)
    assert unknown.returncode == 1
    assert "no such user" in unknown.stderr

    from config.container import bootstrap
    from config.settings import load_settings
    from core.auth.commands import Register
    from core.auth.use_cases import RegisterUser

    async def register() -> None:
        runtime = await bootstrap(load_settings(env))
        try:
            await runtime.resolve(RegisterUser)(Register("ann@example.com", PASSWORD, "Ann"))
        finally:
            await runtime.close()

    asyncio.run(register())
    granted = marketplace("set-roles", "ann@example.com", "admin", "seller", env=env)
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == "ann@example.com: admin, customer, seller"


def test_a_bad_setting_stops_the_command_with_its_name(env: dict[str, str]) -> None:
    result = marketplace("migrate", env={**env, "MARKETPLACE_PORT": "eighty"})
    assert result.returncode == 1
    assert "MARKETPLACE_PORT must be an integer" in result.stderr


def test_a_saga_worker_of_the_other_engine_is_refused(env: dict[str, str]) -> None:
    on_builtin = marketplace("work", "saga-worker", env=env)
    assert on_builtin.returncode == 1
    assert "saga-worker runs the sagas of the temporal engine: this shop's is builtin" in on_builtin.stderr
    on_temporal = marketplace("work", "saga-sweeper", env={**env, "MARKETPLACE_SAGA_ENGINE": "temporal"})
    assert on_temporal.returncode == 1
    assert "saga-sweeper runs the sagas of the builtin engine: this shop's is temporal" in on_temporal.stderr


def test_dead_letters_are_listed_with_their_error_and_replayed_once(env: dict[str, str]) -> None:
    from adapters.kafka.consumers import KafkaConsumerGroups
    from adapters.kafka.publisher import KafkaEventPublisher
    from core.auth.events import UserRegistered
    from core.shared.events import to_envelope

    assert marketplace("migrate", env=env).returncode == 0
    settings = load_settings(env)
    prefix = settings.kafka_topic_prefix
    event = UserRegistered(occurred_at=datetime.now(UTC), user_id="u-1", email="ann@example.com", display_name="Ann")

    async def refuse_it() -> None:
        publisher = KafkaEventPublisher(settings.kafka_bootstrap_servers, prefix)
        groups = KafkaConsumerGroups(
            settings.kafka_bootstrap_servers, prefix, publisher, max_attempts=2, backoff_seconds=0.01
        )

        async def broken(event: object) -> None:
            raise ValueError("the profile store refuses this one")

        groups.subscribe("users", UserRegistered, broken)
        task = asyncio.create_task(groups.run("users"))
        try:
            await publisher.publish([to_envelope(event)])
            async with asyncio.timeout(30):
                await groups.caught_up("users")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await publisher.close()

    asyncio.run(refuse_it())
    listed = marketplace("dead-letters", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "waiting   group=users  auth.UserRegistered.v1" in listed.stdout
    assert f"id={event.event_id}" in listed.stdout
    assert "tries=2" in listed.stdout
    assert "ValueError: the profile store refuses this one" in listed.stdout
    assert listed.stdout.splitlines()[-1] == "1 dead letter(s), 1 not replayed"

    replayed = marketplace("dead-letters", "replay", env=env)
    assert replayed.stdout.strip() == "1 dead letter(s) sent back to their topics"
    assert marketplace("dead-letters", "list", env=env).stdout.splitlines()[-1] == "1 dead letter(s), 0 not replayed"
    assert marketplace("dead-letters", "replay", env=env).stdout.strip() == "0 dead letter(s) sent back to their topics"
