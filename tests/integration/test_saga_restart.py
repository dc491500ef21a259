"""Killing the shop in the middle of its sagas and starting it again finishes every one of them.

The shop runs as `marketplace run` (HTTP, consumers and workers) in a process of its own on the infra
profile, with Kafka, and the sandbox gateway and carrier as servers on loopback. It is killed (SIGKILL:
no clean shutdown) twice: once while payments hang at a gateway that answers too late, once while the
carrier refuses to book parcels. Each time the next process picks every saga up from its persisted
state: each order ends paid, then delivered, with one authorization and one capture each, and the stock
adds up.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from adapters.system import SystemClock
from config.settings import load_settings
from tests.support.http import ApiClient
from tests.support.processes import Api, cli, infra_env
from tests.support.sandboxes import SandboxServers, free_port
from tests.support.shop import ShopBuilder, eventually, ok

pytestmark = pytest.mark.infra

ORDERS = 6
START_STOCK = 20
QUANTITY = 2


@pytest.fixture
def shop() -> Iterator[tuple[Api, SandboxServers]]:
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
    with infra_env("restart", sandboxes, **quick) as env:
        sandboxes.start(load_settings(env), SystemClock())
        shop = Api(env, "run", port)
        try:
            yield shop, sandboxes
        finally:
            shop.stop()
            sandboxes.stop()


def test_a_killed_shop_finishes_every_saga_when_it_starts_again(shop: tuple[Api, SandboxServers]) -> None:
    server, sandboxes = shop
    server.start()
    api = ApiClient(server.base_url)
    builder = ShopBuilder(api, lambda email: cli(server.env, "set-roles", email, "admin"), domain="restart.example")
    seller = builder.seller("kiln")
    product_id = builder.product(seller, "Glazed mug", 1800, START_STOCK)
    customers = [builder.customer(f"buyer{n}") for n in range(ORDERS)]

    # Every gateway answer now comes too late: the payments hang, in flight, when the shop is killed.
    assert sandboxes.gateway is not None
    sandboxes.call(_set(lambda: sandboxes.gateway.set_faults(0.0, 1.0)))  # type: ignore[union-attr]
    orders: dict[str, str] = {}
    for token, address_id in customers:
        ok(api.post("/api/v1/cart/items", {"product_id": product_id, "quantity": QUANTITY}, token=token))
        body = {"address_id": address_id, "payment_token": "tok_visa"}
        placed = ok(api.post("/api/v1/orders", body, token=token, headers={"Idempotency-Key": str(uuid.uuid4())}), 201)
        orders[placed["order_id"]] = token

    def statuses() -> dict[str, str]:
        return {o: ok(api.get(f"/api/v1/orders/{o}", token=t))["status"] for o, t in orders.items()}

    unpaid = [status for status in statuses().values() if status != "paid"]
    server.kill()
    assert unpaid, "the shop was killed after every payment went through: the test proves nothing"

    sandboxes.call(_set(lambda: sandboxes.gateway.set_faults(0.0, 0.0)))  # type: ignore[union-attr]
    server.start()
    eventually("every order to be paid", lambda: set(statuses().values()) == {"paid"}, 90)
    ledger = sandboxes.gateway.ledger()["EUR"]  # type: ignore[union-attr]
    assert ledger["authorized"] == {"amount": ORDERS * QUANTITY * 1800, "count": ORDERS}, ledger
    assert builder.stock(seller, product_id)["reserved"] == ORDERS * QUANTITY

    # The carrier now refuses every booking: the sellers' "ready" leaves the sagas waiting to ship.
    assert sandboxes.carrier is not None
    sandboxes.call(_set(lambda: setattr(sandboxes.carrier, "failure_rate", 1.0)))
    for order_id in orders:
        ok(api.post(f"/api/v1/seller/orders/{order_id}/ready", {}, token=seller))
    time.sleep(0.5)  # let a booking or two fail before the kill
    server.kill()
    sandboxes.call(_set(lambda: setattr(sandboxes.carrier, "failure_rate", 0.0)))
    server.start()

    def tracked() -> list[dict[str, Any]]:
        replies = [api.get(f"/api/v1/orders/{o}/tracking", token=t) for o, t in orders.items()]
        return [r.body for r in replies if r.status == 200]

    eventually("every parcel to be booked", lambda: len(tracked()) == ORDERS, 90)
    for parcel in tracked():
        reply = requests.post(
            f"{sandboxes.logistics_url}/sandbox/shipments/{parcel['tracking_number']}/deliver", timeout=10
        )
        assert reply.status_code == 200, reply.text
    eventually("every order to be delivered", lambda: set(statuses().values()) == {"delivered"}, 90)

    ledger = sandboxes.gateway.ledger()["EUR"]  # type: ignore[union-attr]
    assert ledger["authorized"]["count"] == ORDERS, ledger
    assert ledger["captured"] == {"amount": ORDERS * QUANTITY * 1800, "count": ORDERS}, ledger
    assert len(sandboxes.carrier.parcels) == ORDERS  # one parcel per order, however often booking was tried
    stock = builder.stock(seller, product_id)
    assert stock == {
        "product_id": product_id,
        "on_hand": START_STOCK - ORDERS * QUANTITY,
        "reserved": 0,
        "available": START_STOCK - ORDERS * QUANTITY,
    }


async def _set(change: Callable[[], Any]) -> None:
    """Change a sandbox's knob on its own loop."""
    change()
