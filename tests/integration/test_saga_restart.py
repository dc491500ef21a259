"""Killing the shop in the middle of its sagas and starting it again finishes every one of them, on
either saga engine; so does a restart of the server an engine keeps its sagas in (PostgreSQL for the built-in
runner, Temporal's) in the middle of them.

The shop runs as `marketplace run` (HTTP, consumers and workers: the saga sweeper, or Temporal's saga
worker) in a process of its own on the infra profile, with Kafka, and the sandbox gateway and carrier as
servers on loopback. It is killed (SIGKILL: no clean shutdown) twice: once while payments hang at a gateway
that answers too late, once while the carrier refuses to book parcels. Each time the next process picks
every saga up from where it stood (the orchestrator database, or the workflows' histories): each order ends
paid, then delivered, with one authorization and one capture each, and the stock adds up.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.system import SystemClock
from config.settings import load_settings
from tests.support.http import ApiClient
from tests.support.processes import Api, cli, infra_env
from tests.support.sandboxes import SandboxServers, free_port
from tests.support.shop import ShopBuilder, eventually, ok
from tests.support.temporal import temporal_address

pytestmark = pytest.mark.infra

ORDERS = 6
START_STOCK = 20
QUANTITY = 2


ENGINES = {
    "builtin": {},
    "temporal": {
        "MARKETPLACE_SAGA_ENGINE": "temporal",
        "MARKETPLACE_TEMPORAL_ADDRESS": temporal_address(),
        # An activity lost with its worker is tried again after this, not after its step's own timeout.
        "MARKETPLACE_SAGA_STEP_LIMIT_SECONDS": "3",
    },
}


@pytest.fixture(params=sorted(ENGINES))
def shop(request: pytest.FixtureRequest) -> Iterator[tuple[Api, SandboxServers]]:
    engine = {**ENGINES[request.param], "MARKETPLACE_TEMPORAL_TASK_QUEUE": f"restart-{uuid.uuid4().hex[:8]}"}
    port = free_port()
    sandboxes = SandboxServers(app_port=port, slow_seconds=2.0)
    quick = {
        "MARKETPLACE_PAYMENT_GATEWAY_TIMEOUT_SECONDS": "0.5",
        "MARKETPLACE_PAYMENT_GATEWAY_RETRIES": "1",
        "MARKETPLACE_PAYMENT_ERRORS_POLL_SECONDS": "0.3",
        "MARKETPLACE_PAYMENT_RETRY_BASE_SECONDS": "0.3",
        "MARKETPLACE_LOGISTICS_API_TIMEOUT_SECONDS": "1",
        "MARKETPLACE_SHIPMENT_POLL_SECONDS": "0.5",
        "MARKETPLACE_SAGA_SWEEP_SECONDS": "0.3",
        "MARKETPLACE_SAGA_STALL_SECONDS": "1",
    }
    with infra_env("restart", sandboxes, **quick, **engine) as env:
        sandboxes.start(load_settings(env), SystemClock())
        shop = Api(env, "run", port)
        try:
            yield shop, sandboxes
        finally:
            shop.stop()
            sandboxes.stop()


class Run:
    """A shop with one seller, one product and ORDERS customers, and what the test checks of it."""

    def __init__(self, server: Api, sandboxes: SandboxServers) -> None:
        self.server, self.sandboxes = server, sandboxes
        server.start()
        self.api = api = ApiClient(server.base_url)
        self.builder = ShopBuilder(api, lambda email: cli(server.env, "set-roles", email, "admin"), "restart.example")
        self.seller = self.builder.seller("kiln")
        self.product_id = self.builder.product(self.seller, "Glazed mug", 1800, START_STOCK)
        self.customers = [self.builder.customer(f"buyer{n}") for n in range(ORDERS)]
        self.orders: dict[str, str] = {}  # order id -> its customer's token

    def check_out(self, token: str, address_id: str) -> None:
        api = self.api
        ok(api.post("/api/v1/cart/items", {"product_id": self.product_id, "quantity": QUANTITY}, token=token))
        body = {"address_id": address_id, "payment_token": "tok_visa"}
        placed = ok(api.post("/api/v1/orders", body, token=token, headers={"Idempotency-Key": str(uuid.uuid4())}), 201)
        self.orders[placed["order_id"]] = token

    def statuses(self) -> dict[str, str]:
        return {o: ok(self.api.get(f"/api/v1/orders/{o}", token=t))["status"] for o, t in self.orders.items()}

    def all_paid(self) -> None:
        eventually("every order to be paid", lambda: set(self.statuses().values()) == {"paid"}, 90)
        ledger = self.sandboxes.gateway.ledger()["EUR"]  # type: ignore[union-attr]
        assert ledger["authorized"] == {"amount": ORDERS * QUANTITY * 1800, "count": ORDERS}, ledger
        assert self.builder.stock(self.seller, self.product_id)["reserved"] == ORDERS * QUANTITY

    def ready(self) -> None:
        for order_id in self.orders:
            ok(self.api.post(f"/api/v1/seller/orders/{order_id}/ready", {}, token=self.seller))

    def tracked(self) -> list[dict[str, Any]]:
        replies = [self.api.get(f"/api/v1/orders/{o}/tracking", token=t) for o, t in self.orders.items()]
        return [r.body for r in replies if r.status == 200]

    def all_delivered(self) -> None:
        """Every parcel booked, then delivered by the carrier: every order delivered, and the books add up."""
        eventually("every parcel to be booked", lambda: len(self.tracked()) == ORDERS, 90)
        for parcel in self.tracked():
            reply = requests.post(
                f"{self.sandboxes.logistics_url}/sandbox/shipments/{parcel['tracking_number']}/deliver", timeout=10
            )
            assert reply.status_code == 200, reply.text
        eventually("every order to be delivered", lambda: set(self.statuses().values()) == {"delivered"}, 90)
        ledger = self.sandboxes.gateway.ledger()["EUR"]  # type: ignore[union-attr]
        assert ledger["authorized"]["count"] == ORDERS, ledger
        assert ledger["captured"] == {"amount": ORDERS * QUANTITY * 1800, "count": ORDERS}, ledger
        # One parcel per order, however often booking was tried.
        assert len(self.sandboxes.carrier.parcels) == ORDERS  # type: ignore[union-attr]
        assert self.builder.stock(self.seller, self.product_id) == {
            "product_id": self.product_id,
            "on_hand": START_STOCK - ORDERS * QUANTITY,
            "reserved": 0,
            "available": START_STOCK - ORDERS * QUANTITY,
        }


def test_a_killed_shop_finishes_every_saga_when_it_starts_again(shop: tuple[Api, SandboxServers]) -> None:
    server, sandboxes = shop
    run = Run(server, sandboxes)

    # Every gateway answer now comes too late: the payments hang, in flight, when the shop is killed.
    assert sandboxes.gateway is not None
    sandboxes.call(_set(lambda: sandboxes.gateway.set_faults(0.0, 1.0)))  # type: ignore[union-attr]
    for token, address_id in run.customers:
        run.check_out(token, address_id)
    unpaid = [status for status in run.statuses().values() if status != "paid"]
    server.kill()
    assert unpaid, "the shop was killed after every payment went through: the test proves nothing"

    sandboxes.call(_set(lambda: sandboxes.gateway.set_faults(0.0, 0.0)))  # type: ignore[union-attr]
    server.start()
    run.all_paid()

    # The carrier now refuses every booking: the sellers' "ready" leaves the sagas waiting to ship.
    assert sandboxes.carrier is not None
    sandboxes.call(_set(lambda: setattr(sandboxes.carrier, "failure_rate", 1.0)))
    run.ready()
    time.sleep(0.5)  # let a booking or two fail before the kill
    server.kill()
    sandboxes.call(_set(lambda: setattr(sandboxes.carrier, "failure_rate", 0.0)))
    server.start()
    run.all_delivered()


# The server each engine keeps its sagas in.
STORES = {"builtin": "postgres", "temporal": "temporal"}


def test_the_sagas_get_over_a_restart_of_their_engines_server(
    shop: tuple[Api, SandboxServers], request: pytest.FixtureRequest
) -> None:
    server, sandboxes = shop
    store = STORES[request.node.callspec.params["shop"]]
    run = Run(server, sandboxes)
    half = ORDERS // 2
    for token, address_id in run.customers[:half]:
        run.check_out(token, address_id)
    _services("down", store)
    try:
        if store == "temporal":
            # Orders are taken while Temporal is away (the orders database is up): their sagas start once it
            # is back. Without PostgreSQL the shop takes no order: the built-in engine's half waits.
            for token, address_id in run.customers[half:]:
                run.check_out(token, address_id)
        time.sleep(1)  # the sagas under way, and the consumers, meet the outage
    finally:
        _services("up", store)
    for token, address_id in run.customers[len(run.orders) :]:
        run.check_out(token, address_id)
    run.all_paid()
    run.ready()
    _services("down", store)  # while the parcels are being booked
    time.sleep(1)
    _services("up", store)
    run.all_delivered()


def _services(action: str, service: str) -> None:
    """Stop or start a server of scripts/services (the one the shop talks to)."""
    command = [str(Path(__file__).parents[2] / "scripts" / "services"), action, service]
    done = subprocess.run(command, env=os.environ, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr


async def _set(change: Callable[[], Any]) -> None:
    """Change a sandbox's knob on its own loop."""
    change()
