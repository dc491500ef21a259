"""Money and stock add up after many concurrent checkouts with faults injected in both sandboxes.

Customers check out at once (some send their checkout twice), with good, declining and slow cards, while
the gateway answers 503 or too late and the carrier refuses calls at random. The sellers prepare what is
paid, a few customers cancel, the carrier delivers most parcels and loses one, and the workers catch up on
what failed. Then, whatever happened: every order has ended; the money captured and not refunded is the
total of the delivered orders; every authorization was captured or voided; and each product's stock is
what it started with minus the units that left with the carrier. On either saga engine (`sagas`): the
built-in runner, with its sweeper run with the other workers, or Temporal, which times and retries its own.
"""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.http import ApiClient
from tests.support.sandboxes import Sandboxes
from tests.support.server import ServerThread
from tests.support.shop import ShopBuilder, admin_maker, ok

pytestmark = pytest.mark.sagas

CUSTOMERS = 14
START_STOCK = 40
FINAL = {"delivered", "cancelled", "refunded"}
SHIPPED = {"delivered", "refunded"}  # refunded here only as a lost parcel: its units left with the carrier
TOKENS = ["tok_visa"] * 6 + ["tok_mastercard", "tok_decline", "tok_timeout", "tok_flaky", "tok_insufficient_funds"]


def _check_out(base_url: str, token: str, address_id: str, card: str, twice: bool) -> list[Any]:
    client = ApiClient(base_url)  # one session per thread: the checkouts really are concurrent
    key = str(uuid.uuid4())
    body = {"address_id": address_id, "payment_token": card}
    replies = [client.post("/api/v1/orders", body, token=token, headers={"Idempotency-Key": key})]
    if twice:
        replies.append(client.post("/api/v1/orders", body, token=token, headers={"Idempotency-Key": key}))
    return replies


def test_money_and_stock_add_up_under_faults(api: ApiClient, server: ServerThread) -> None:
    rng = random.Random(20261125)  # a reproducible workload
    shop = ShopBuilder(api, admin_maker(server), domain="reconcile.example")
    sellers = [shop.seller("potter"), shop.seller("weaver")]
    products = {
        shop.product(sellers[0], "Stoneware bowl", 1250, START_STOCK): sellers[0],
        shop.product(sellers[0], "Stoneware plate", 1990, START_STOCK): sellers[0],
        shop.product(sellers[1], "Linen towel", 799, START_STOCK): sellers[1],
    }
    prices = {pid: ok(api.get(f"/api/v1/products/{pid}", token=""))["price"]["amount"] for pid in products}

    customers = []
    for n in range(CUSTOMERS):
        token, address_id = shop.customer(f"buyer{n}")
        for product_id in rng.sample(sorted(products), rng.randint(1, 3)):
            line = {"product_id": product_id, "quantity": rng.randint(1, 4)}
            ok(api.post("/api/v1/cart/items", line, token=token))
        customers.append((token, address_id, rng.choice(TOKENS), rng.random() < 0.3))

    sandboxes = Sandboxes(server)
    sandboxes.gateway_faults(failure_rate=0.2, timeout_rate=0.15, seed=11)
    sandboxes.carrier_faults(failure_rate=0.2, seed=12)
    sandboxes.carrier_moves_only_when_told()  # the test moves time by minutes: parcels move when it says

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda c: _check_out(server.base_url, *c), customers))
    server.settle()

    orders: dict[str, str] = {}  # order id -> the customer's token
    for (token, *_), replies in zip(customers, results, strict=True):
        assert replies[0].status == 201, replies[0].body
        order_id = replies[0].body["order_id"]
        for repeat in replies[1:]:
            assert repeat.status == 200, repeat.body
            assert repeat.body["order_id"] == order_id, "a retried checkout made a new order"
        orders[order_id] = token

    def order(order_id: str) -> dict[str, Any]:
        view: dict[str, Any] = ok(api.get(f"/api/v1/orders/{order_id}", token=orders[order_id]))
        return view

    # Two customers change their minds: one as soon as her order is placed, one once it is paid.
    cancelled = set()
    for order_id in list(orders)[:2]:
        reply = api.post(f"/api/v1/orders/{order_id}/cancel", {"reason": "changed my mind"}, token=orders[order_id])
        assert reply.status in (200, 409), reply.body  # 409: it was cancelled already (a declined card)
        cancelled.add(order_id)

    lost: str | None = None
    workers = [w for w in ("payment-errors", "saga-sweeper", "shipment-poller") if w in server.runtime.periodic]
    for _round in range(40):
        for worker in workers:
            sandboxes.run_worker(worker, after_seconds=120)
        for seller in sellers:
            page = ok(api.get("/api/v1/seller/orders?status=paid", token=seller))
            for item in page["items"]:
                if not all(line.get("ready") for line in item["lines"]):
                    api.post(f"/api/v1/seller/orders/{item['order_id']}/ready", {}, token=seller)
        statuses = {order_id: order(order_id)["status"] for order_id in orders}
        for order_id, status in statuses.items():
            if status not in ("paid", "shipped"):
                continue
            tracking = api.get(f"/api/v1/orders/{order_id}/tracking", token=orders[order_id])
            if tracking.status != 200 or tracking.body["status"] in ("delivered", "lost", "cancelled"):
                continue
            action = "advance"
            if tracking.body["status"] == "in_transit":
                action = "lose" if lost is None else "deliver"
                lost = lost or order_id
            sandboxes.carrier_quietly(action, tracking.body["tracking_number"])
        if all(status in FINAL for status in statuses.values()):
            break
    statuses = {order_id: order(order_id)["status"] for order_id in orders}
    assert all(status in FINAL for status in statuses.values()), statuses
    assert {statuses[order_id] for order_id in cancelled} == {"cancelled"}
    assert "delivered" in statuses.values()
    assert "cancelled" in statuses.values()
    assert "refunded" in statuses.values()  # the lost parcel

    # Money: captured minus refunded is what the delivered orders cost; no authorization is left hanging.
    ledger = sandboxes.gateway_ledger().get("EUR", {})
    views = {order_id: order(order_id) for order_id in orders}
    delivered_total = sum(v["total"]["amount"] for v in views.values() if v["status"] == "delivered")
    kept = ledger.get("captured", {}).get("amount", 0) - ledger.get("refunded", {}).get("amount", 0)
    assert kept == delivered_total, (ledger, statuses)
    settled = ledger.get("captured", {}).get("count", 0) + ledger.get("voided", {}).get("count", 0)
    assert ledger.get("authorized", {}).get("count", 0) == settled, ledger
    for order_id, view in views.items():
        payment = api.get(f"/api/v1/orders/{order_id}/payment", token=orders[order_id])
        if view["status"] == "delivered":
            assert payment.body["status"] == "captured", payment.body
            assert payment.body["captured"] == view["total"], payment.body
        elif payment.status == 200:
            assert payment.body["status"] in ("voided", "declined", "failed", "refunded"), payment.body

    # Stock: what left with the carrier is gone; nothing stays reserved.
    shipped = {pid: 0 for pid in products}
    for view in views.values():
        if view["status"] in SHIPPED:
            for line in view["lines"]:
                shipped[line["product_id"]] += line["quantity"]
    for product_id, seller in products.items():
        stock = shop.stock(seller, product_id)
        assert stock["reserved"] == 0, stock
        assert stock["on_hand"] == START_STOCK - shipped[product_id], (stock, shipped)
    assert prices  # every product had a price the orders were charged at
