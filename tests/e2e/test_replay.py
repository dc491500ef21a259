"""Replaying every topic from offset 0 into the consumer groups changes nothing (infra, Kafka).

A shop with sellers, a product, customers and a paid order is built through the API. Then a second set
of Kafka consumer groups (a group prefix of their own, the same handlers and inboxes) reads every topic
from its first offset: every event is delivered again, each handler's inbox skips it, and neither the
shop's answers nor the events it publishes change.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adapters.kafka.consumers import KafkaConsumerGroups
from config.container import context_topics
from config.contexts import CONTEXTS
from tests.e2e.orders_shop import open_shop
from tests.support.http import ApiClient


def snapshot(api: ApiClient, shop: dict[str, str]) -> dict[str, Any]:
    replies = {
        "order": api.get(f"/api/v1/orders/{shop['order_id']}", token=shop["ann"]),
        "stock": api.get(f"/api/v1/seller/products/{shop['product_id']}/stock", token=shop["seller"]),
        "profile": api.get("/api/v1/me/profile", token=shop["bob"]),
        "search": api.get("/api/v1/search/products?q=teapot"),
    }
    assert {name: reply.status for name, reply in replies.items()} == dict.fromkeys(replies, 200)
    return {name: reply.body for name, reply in replies.items()}


async def replay(server: Any) -> tuple[int, int]:
    """Every group, under another group prefix, from the start of every topic: the events delivered to
    the handlers, and the events published meanwhile."""
    runtime = server.runtime
    settings = runtime.settings
    published = sum(relay.published for relay in runtime.relays)
    groups = KafkaConsumerGroups(
        settings.kafka_bootstrap_servers,
        settings.kafka_topic_prefix,
        runtime.publisher,
        group_prefix=f"{settings.kafka_topic_prefix}.replay",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        every_topic=context_topics(settings),
    )
    for context in CONTEXTS:
        if context.consumers is not None:
            context.consumers.subscribe(groups, runtime)
    tasks = [asyncio.create_task(groups.run(group)) for group in groups.groups]
    try:
        async with asyncio.timeout(60):
            await groups.caught_up(*groups.groups)
        await runtime.settle()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return groups.delivered, sum(relay.published for relay in runtime.relays) - published


@pytest.mark.infra
@pytest.mark.parametrize("server", ["infra"], indirect=True)
def test_replaying_every_topic_from_the_start_changes_nothing(api: ApiClient, server: Any) -> None:
    shop = open_shop(api, server)
    before = snapshot(api, shop)
    assert before["order"]["status"] == "paid"
    assert before["stock"]["reserved"] == 1
    assert before["search"]["total"] == 1
    delivered, published = server.call(replay(server), timeout=90)
    assert delivered >= 20  # the registrations, the catalogue, the order and its saga, all over again
    assert published == 0  # every handler's inbox skipped it: nothing acted again, nothing new was raised
    assert snapshot(api, shop) == before


@pytest.mark.infra
@pytest.mark.parametrize("server", ["infra"], indirect=True)
def test_every_group_that_handles_an_event_consumes_and_no_other(server: Any) -> None:
    """A context may have a consumers module that subscribes nothing (orders, payments, logistics: the
    orchestrator calls their desks): its group has no Kafka consumer, and every other group's runs."""

    async def running() -> tuple[list[str], list[str]]:
        runtime = server.runtime
        groups = runtime.consumer_groups
        await groups.caught_up(*groups.groups)  # each group's consumer has joined and caught up
        finished = [repr(task.exception()) for task in runtime._tasks if task.done()]
        return groups.groups, finished

    groups, finished = server.call(running(), timeout=30)
    assert {"orchestrator", "search"} <= set(groups)
    assert not {"orders", "payments", "logistics"} & set(groups)
    assert finished == []  # no loop of the server (a consumer group, a relay, a worker) has died
