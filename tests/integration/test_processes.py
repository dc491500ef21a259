"""The infra profile as several processes: `serve`, `consume` and `work`, each an OS process of its own,
with Kafka between them.

One checkout goes from the cart to a delivered parcel through them, and what the customer did reaches her
recommendations. Two `serve` processes answer the same search results (the index is Elasticsearch's), and
a restarted one too. (Processes SIGKILLed while events are on their way, the broker and PostgreSQL
restarted, all under load: the chaos run, tests/integration/test_chaos.py.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from adapters.system import SystemClock
from config.contexts import GROUPS
from config.settings import load_settings
from entrypoints.cli import OUTBOX_RELAY
from entrypoints.cli import WORKERS as ALL_WORKERS
from tests.support.http import ApiClient
from tests.support.processes import Api, Marketplace, cli, infra_env
from tests.support.sandboxes import SandboxServers, free_port
from tests.support.shop import ShopBuilder, eventually, ok

pytestmark = pytest.mark.infra

START_STOCK = 30
PRICE = 2400
# `serve` relays its outbox itself; the sagas run on the built-in engine here (its sweeper, not Temporal's worker).
WORKERS = [name for name in ALL_WORKERS if name not in (OUTBOX_RELAY, "saga-worker")]


class Processes:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env = env
        self.api = Api(env, "serve", port)
        self.consumers = Marketplace(env, "consume", *GROUPS)
        self.workers = Marketplace(env, "work", *WORKERS)

    def stop(self) -> None:
        for process in (self.api, self.consumers, self.workers):
            process.stop()


@pytest.fixture
def shop() -> Iterator[tuple[Processes, SandboxServers]]:
    port = free_port()
    sandboxes = SandboxServers(app_port=port, slow_seconds=2.0)
    with infra_env("processes", sandboxes, MARKETPLACE_SHIPMENT_POLL_SECONDS="0.5") as env:
        sandboxes.start(load_settings(env), SystemClock())
        processes = Processes(env, port)
        try:
            cli(env, "migrate")
            processes.consumers.start()
            processes.workers.start()
            processes.api.start()
            yield processes, sandboxes
        finally:
            processes.stop()
            sandboxes.stop()


def test_a_checkout_goes_to_delivery_through_separate_processes(
    shop: tuple[Processes, SandboxServers],
) -> None:
    processes, sandboxes = shop
    api = ApiClient(processes.api.base_url)
    builder = ShopBuilder(api, lambda email: cli(processes.env, "set-roles", email, "admin"), domain="procs.example")
    seller = builder.seller("potter")
    product_id = builder.product(seller, "Stoneware bowl", PRICE, START_STOCK)
    orders: dict[str, str] = {}

    def check_out(name: str) -> str:
        token, address_id = builder.customer(name)  # the profile comes from the users consumer group
        ok(api.post("/api/v1/cart/items", {"product_id": product_id, "quantity": 1}, token=token))
        body = {"address_id": address_id, "payment_token": "tok_visa"}
        placed = ok(api.post("/api/v1/orders", body, token=token, headers={"Idempotency-Key": str(uuid.uuid4())}), 201)
        orders[placed["order_id"]] = token
        return str(placed["order_id"])

    def status(order_id: str) -> str:
        return str(ok(api.get(f"/api/v1/orders/{order_id}", token=orders[order_id]))["status"])

    # One order, all the way.
    first = check_out("first")
    eventually("the first order to be paid", lambda: status(first) == "paid", 60)
    ok(api.post(f"/api/v1/seller/orders/{first}/ready", {}, token=seller))

    def tracking() -> dict[str, Any] | None:
        reply = api.get(f"/api/v1/orders/{first}/tracking", token=orders[first])
        return reply.body if reply.status == 200 else None

    parcel = eventually("the parcel to be booked", tracking, 60)
    reply = requests.post(
        f"{sandboxes.logistics_url}/sandbox/shipments/{parcel['tracking_number']}/deliver", timeout=10
    )
    assert reply.status_code == 200, reply.text
    eventually("the first order to be delivered", lambda: status(first) == "delivered", 60)

    # What she did went through Kafka to the activity consumers, and the build worker made her own list:
    # the mug she looked at, not the bowl she bought.
    mug = builder.product(seller, "Clay mug", PRICE, START_STOCK)
    ok(api.get(f"/api/v1/products/{mug}", token=orders[first]))

    def her_list() -> list[str] | None:
        answer = ok(api.get("/api/v1/recommendations", token=orders[first]))
        return [item["product_id"] for item in answer["items"]] if answer["source"] == "personal" else None

    assert eventually("her own recommendations", her_list, 60) == [mug]

    ledger = sandboxes.gateway.ledger()["EUR"]  # type: ignore[union-attr]
    assert ledger["authorized"] == {"amount": PRICE, "count": 1}, ledger
    stock = builder.stock(seller, product_id)
    assert (stock["on_hand"], stock["reserved"]) == (START_STOCK - 1, 0)  # the delivered one left the warehouse

    # The search index is Elasticsearch's, shared: a second `serve` answers what the first does, and so
    # does the first once restarted.
    def found(client: ApiClient) -> list[tuple[str, int]]:
        items = ok(client.get("/api/v1/search/products?q=stoneware"))["items"]
        return [(item["id"], item["available"]) for item in items]

    eventually("the index to show the stock", lambda: found(api) == [(product_id, START_STOCK - 1)], 60)
    second = Api(processes.env, "serve", free_port()).start()
    try:
        assert found(ApiClient(second.base_url)) == found(api)
        processes.api.stop()
        processes.api.start()
        assert found(api) == [(product_id, START_STOCK - 1)]
    finally:
        second.stop()
