"""The chaos run: many checkouts against the infra profile as separate processes, while things break.

    python -m bench.chaos                                   # 1000 orders from 100 customers, built-in sagas
    python -m bench.chaos --orders 200 --engine temporal    # the sagas on Temporal (`work saga-worker`)

The shop runs as the processes ``bench.checkout_http.split_processes(2, engine)`` names: two `serve`, two
`consume`, one `work` (outbox relay, payment error worker, shipment poller, and the saga sweeper or
Temporal's saga worker), each `marketplace <command>` in an OS process of its own on fresh databases,
topics, indexes and bucket (``tests.support.processes.infra_env``). The sandbox gateway and carrier are
HTTP servers of their own (``SandboxServers``) with faults injected: 10% of the gateway's calls answer 503
and 10% answer too late (after the shop's client gave up: a timeout, the call done all the same), and 20%
of the carrier's calls answer 503. The carrier moves its parcels by itself, and loses one.

Customers (each with their own session) fill a cart and check out again and again, each waiting to see
her last order paid (or not) before the next; some send a checkout twice with the same Idempotency-Key, a
few cancel, and those who received their parcels review what they bought. The sellers mark what is paid
ready; the clients go through both `serve` processes in turn, as a balancer would, and send a request again
to the other when one is down or answers 5xx. Meanwhile, at set shares of the checkouts, the run stops the
Kafka broker (checkouts go on meanwhile, kept in the outboxes) and starts it again, restarts PostgreSQL,
SIGKILLs a `serve` and a `consume` process with sagas in flight and starts them again, and has the carrier
lose a parcel.

Then it waits (polling, with a deadline) until the shop is quiet: every order final, no saga running, no
outbox event pending, no consumer group behind. And it checks what it finds in the sources of truth: the
PostgreSQL databases (read directly), the gateway's and the carrier's books, Kafka's committed offsets and
dead letters, and the API:

- no order lost or made twice: every checkout a client was told of is an order, every order was told of,
  a checkout sent again answered the same order, and every order is delivered, cancelled or refunded;
- no double charge: no order has more than one authorization granted at the gateway, none for another
  amount than the order's total, no refund beyond the capture; the orders placed while the broker was
  down all ended, each paid once at most;
- money: what the gateway captured and did not refund is the total of the delivered orders;
- no event lost: no outbox event pending or parked, no dead letter, every consumer group's committed
  offsets at the end of its topics, every order with its saga, and no saga (or Temporal workflow) running;
- stock: each product has on hand what it started with less the units that left with a parcel the carrier
  delivered or lost, and nothing reserved; every delivered order's parcel was delivered;
- ratings: each product's rating (the ratings database, and its card through the API) is what its
  published reviews say, and the reviews context knows of every delivery;
- analytics: the admin's sales figures (orders paid, GMV, money refunded) are what the orders and payments
  databases hold.

Analytics: the embedded ClickHouse (chdb) locks its data path to one process. Every process gets the same
``MARKETPLACE_ANALYTICS_PATH``, the analytics consumer group runs in the first `consume` process only (the
one SIGKILLed and started again: the store must get over it), and nothing reads the figures while it runs.
Once the shop is quiet (the analytics group's offsets committed at the end of every topic, so its store
holds every event), that `consume` process is stopped, and the figures are read through the admin route
of a `serve` process: the first to open the store, now that nobody holds it.

It prints what it injected (with when, in seconds from the first checkout) and each check with the
expected and the actual figure; the exit status is 1 when a check failed. The suite runs a short version
(tests/integration/test_chaos.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg
import attrs
import requests

from adapters.kafka.consumers import group_id
from adapters.system import SystemClock
from bench.checkout_http import SAGA_WORKERS, split_processes
from config.container import DATABASES, context_topics, create_topics, database_dsn, dead_letters
from config.contexts import GROUPS
from config.settings import Settings, load_settings
from tests.support.http import ApiClient, Reply
from tests.support.processes import Api, Marketplace, cli, infra_env, services
from tests.support.sandboxes import SandboxServers, free_port
from tests.support.shop import ShopBuilder, ok
from tests.support.temporal import end_workflows, temporal_address, temporal_connection

FINAL = frozenset({"delivered", "cancelled", "refunded"})
UNPAID = frozenset({"pending", "awaiting_payment"})
CARDS = ["tok_visa"] * 8 + ["tok_mastercard", "tok_decline"]  # a declined card now and then
# What the sandboxes do: a share of the gateway's calls answer 503, a share too late (after the client's
# time limit, GATEWAY_TIMEOUT_SECONDS, below the sandbox's LATE_SECONDS); a share of the carrier's 503.
GATEWAY_UNAVAILABLE, GATEWAY_LATE, CARRIER_FAILURES = 0.1, 0.1, 0.2
GATEWAY_TIMEOUT_SECONDS, LATE_SECONDS = 2.0, 3.0
CARRIER_STEP_SECONDS = 1.0  # the carrier moves each parcel one step this often
# The shop's timings: quick enough that the faults are got over within the run.
QUICK = {
    "MARKETPLACE_PAYMENT_GATEWAY_TIMEOUT_SECONDS": str(GATEWAY_TIMEOUT_SECONDS),
    "MARKETPLACE_PAYMENT_ERRORS_POLL_SECONDS": "0.5",
    "MARKETPLACE_PAYMENT_RETRY_BASE_SECONDS": "1",
    "MARKETPLACE_LOGISTICS_API_TIMEOUT_SECONDS": "2",
    "MARKETPLACE_SHIPMENT_POLL_SECONDS": "2",
    "MARKETPLACE_SAGA_SWEEP_SECONDS": "1",
    "MARKETPLACE_SAGA_STALL_SECONDS": "10",
}
BROKER_DOWN = "checkouts accepted while Kafka was down"
LOOK_SECONDS, LOOK_LIMIT_SECONDS = 0.5, 5.0  # between a customer's looks at her order, and for how long


@attrs.frozen
class Plan:
    orders: int = 1000
    customers: int = 100
    concurrency: int = 16  # customers shopping at once
    engine: str = "builtin"
    sellers: int = 3
    products: int = 12
    stock: int = 10_000  # of each product but the first, which sells out
    twice: float = 0.1  # share of checkouts sent twice with the same Idempotency-Key
    cancel: float = 0.04  # share of orders their customer cancels at once
    reviews: int = 3  # reviews per customer at most (more from one account wait for a moderator)
    quiet_seconds: float = 900  # the longest wait for the shop to be quiet after the last checkout
    seed: int = 14


@attrs.frozen
class Incident:
    what: str
    at: float  # seconds from the first checkout
    detail: str
    done: bool = True


@attrs.frozen
class Check:
    name: str
    expected: Any
    actual: Any

    @property
    def passed(self) -> bool:
        return bool(self.expected == self.actual)


@attrs.define
class Report:
    plan: Plan
    incidents: list[Incident] = attrs.Factory(list)
    faults: dict[str, int] = attrs.Factory(dict)
    outcomes: dict[str, int] = attrs.Factory(dict)
    checks: list[Check] = attrs.Factory(list)
    seconds: dict[str, float] = attrs.Factory(dict)
    notes: list[str] = attrs.Factory(list)  # what came of the incidents later

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    def table(self) -> str:
        p = self.plan
        lines = [
            f"chaos run: {p.orders} orders, {p.customers} customers ({p.concurrency} at once), engine {p.engine}, "
            f"2 serve + 2 consume + work",
            "",
            f"{'injected':48} {'at s':>7}  detail",
        ]
        lines += [f"{i.what:48} {i.at:7.1f}  {i.detail}" for i in self.incidents]
        lines += [f"{'':48} {'':7}  {note}" for note in self.notes]
        lines += ["", f"{'faults':48} {'count':>7}"]
        lines += [f"{name:48} {count:7d}" for name, count in self.faults.items()]
        lines += ["", f"{'outcome':48} {'count':>7}"]
        lines += [f"{name:48} {count:7d}" for name, count in self.outcomes.items()]
        lines += ["", f"{'check':48} {'expected':>10} {'actual':>10}  result"]
        for check in self.checks:
            verdict = "OK" if check.passed else "FAIL"
            lines.append(f"{check.name:48} {check.expected!s:>10} {check.actual!s:>10}  {verdict}")
        lines.append("")
        lines.append(", ".join(f"{name} {s:.0f} s" for name, s in self.seconds.items()))
        lines.append(f"{len(self.checks) - len(self.failed)} of {len(self.checks)} checks passed")
        return "\n".join(lines)


# --- the shop's processes -----------------------------------------------------------------------------


class Cluster:
    """The processes of ``split_processes(2, engine)``, each killed and started at will."""

    def __init__(self, env: dict[str, str], engine: str, ports: list[int]) -> None:
        serve_ports = iter(ports)
        self.processes: dict[str, Marketplace] = {
            name: Api(env, "serve", next(serve_ports)) if args[0] == "serve" else Marketplace(env, *args)
            for name, args in split_processes(len(ports), engine).items()
        }

    @property
    def serves(self) -> list[Api]:
        return [p for p in self.processes.values() if isinstance(p, Api)]

    def start(self) -> None:
        for process in self.processes.values():
            if isinstance(process, Api):
                process.start(wait=False)
            else:
                process.start()
        for serve in self.serves:
            serve.wait_until_up()

    def stop(self) -> None:
        for process in self.processes.values():  # all at once, then each waited for
            if process.process is not None:
                process.process.terminate()
        for process in self.processes.values():
            process.stop()


class Client:
    """The API through every `serve` process in turn, as a balancer would: a request that finds a process
    gone, or a 5xx, is sent again to the next one until ``patience`` runs out (its last answer then)."""

    def __init__(self, bases: list[str], ledger: Ledger) -> None:
        self.apis = [ApiClient(base) for base in bases]
        self.turn = random.randrange(len(bases))
        self.ledger = ledger

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str = "",
        patience: float = 120,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        deadline = time.monotonic() + patience
        while True:
            self.turn += 1
            api = self.apis[self.turn % len(self.apis)]
            try:
                reply = api.request(method, "/api/v1" + path, body, token=token, headers=dict(headers or {}))
                if reply.status < 500:
                    return reply
                self.ledger.count(f"{reply.status} answers, sent again")
            except requests.RequestException as exc:
                self.ledger.count("requests that found no process, sent again")
                reply = Reply(599, repr(exc), {})
            if time.monotonic() > deadline:
                return reply
            time.sleep(0.5)


# --- what the customers, sellers and carrier do -----------------------------------------------------------


@attrs.define
class Customer:
    name: str
    token: str
    address_id: str
    orders: int  # how many to place
    reviewed: set[str] = attrs.Factory(set)


@attrs.define
class Ledger:
    """What the clients saw, shared by their threads (under ``lock``)."""

    lock: threading.Lock = attrs.Factory(threading.Lock)
    attempts: int = 0
    accepted: dict[str, str] = attrs.Factory(dict)  # order id -> customer token
    placed_while_broker_down: set[str] = attrs.Factory(set)
    replays: int = 0
    replays_same: int = 0
    sold_out: int = 0
    unanswered: int = 0
    cancels: int = 0
    reviews: int = 0
    broker_down: bool = False
    retries: Counter[str] = attrs.Factory(Counter)

    def count(self, retry: str) -> None:
        with self.lock:
            self.retries[retry] += 1


class Shopping:
    """The customers' journeys, the sellers' rounds, and what they saw."""

    def __init__(self, plan: Plan, bases: list[str], products: list[str], sellers: list[str]) -> None:
        self.plan, self.bases, self.products, self.sellers = plan, bases, products, sellers
        self.ledger = Ledger()
        self.done = threading.Event()

    def client(self) -> Client:
        return Client(self.bases, self.ledger)

    def shop(self, customer: Customer, seed: int) -> None:
        rng = random.Random(seed)
        client = self.client()
        for _ in range(customer.orders):
            self._order(customer, client, rng)
            self._review(customer, client, rng)

    def _order(self, customer: Customer, client: Client, rng: random.Random) -> None:
        token = customer.token
        client.call("DELETE", "/cart", token=token)
        for product_id in rng.sample(self.products, rng.randint(1, 2)):
            client.call("POST", "/cart/items", {"product_id": product_id, "quantity": rng.randint(1, 2)}, token)
        body = {"address_id": customer.address_id, "payment_token": rng.choice(CARDS)}
        key = str(uuid.uuid4())
        with self.ledger.lock:
            self.ledger.attempts += 1
        placed = client.call("POST", "/orders", body, token, headers={"Idempotency-Key": key})
        if placed.status not in (200, 201):
            with self.ledger.lock:
                if placed.status == 409:
                    self.ledger.sold_out += 1  # the scarce product ran out
                else:
                    self.ledger.unanswered += 1
            return
        order_id = str(placed.body["order_id"])
        with self.ledger.lock:
            self.ledger.accepted[order_id] = token
            if self.ledger.broker_down:
                self.ledger.placed_while_broker_down.add(order_id)
        if rng.random() < self.plan.twice:
            again = client.call("POST", "/orders", body, token, headers={"Idempotency-Key": key})
            with self.ledger.lock:
                self.ledger.replays += 1
                self.ledger.replays_same += again.status == 200 and again.body["order_id"] == order_id
        if rng.random() < self.plan.cancel:
            cancelled = client.call("POST", f"/orders/{order_id}/cancel", {"reason": "changed my mind"}, token)
            with self.ledger.lock:
                self.ledger.cancels += cancelled.status == 200
        # She looks at her order until it is paid (or is not going to be), for a while, before she buys again.
        deadline = time.monotonic() + LOOK_LIMIT_SECONDS
        while time.monotonic() < deadline:
            seen = client.call("GET", f"/orders/{order_id}", token=token)
            if seen.status == 200 and seen.body["status"] not in UNPAID:
                break
            time.sleep(LOOK_SECONDS)

    def _review(self, customer: Customer, client: Client, rng: random.Random) -> None:
        """She reviews a product of a delivered order she has not reviewed yet (one at a time)."""
        if len(customer.reviewed) >= self.plan.reviews:
            return
        delivered = client.call("GET", "/orders?status=delivered&limit=100", token=customer.token)
        if delivered.status != 200:
            return
        bought = {line["product_id"] for order in delivered.body["items"] for line in order["lines"]}
        for product_id in sorted(bought - customer.reviewed):
            review = {
                "rating": rng.randint(1, 5),
                "title": "As described",
                "text": f"{customer.name} got it, and it does what it says on the box.",
            }
            reply = client.call("POST", f"/products/{product_id}/reviews", review, customer.token)
            if reply.status in (201, 409):  # 409: reviewed already (an answer lost to a dead process)
                customer.reviewed.add(product_id)
                with self.ledger.lock:
                    self.ledger.reviews += reply.status == 201
            return  # 403: the shop has not heard of the delivery yet; another time

    def review_everything(self, customers: list[Customer]) -> None:
        rng = random.Random(self.plan.seed)
        client = self.client()
        for customer in customers:
            while len(customer.reviewed) < self.plan.reviews:
                before = len(customer.reviewed)
                self._review(customer, client, rng)
                if len(customer.reviewed) == before:
                    break

    def prepare_orders(self) -> None:
        """The sellers, until ``done``: every paid order with their lines not ready is marked ready."""
        client = self.client()
        while not self.done.is_set():
            for seller in self.sellers:
                paid = client.call("GET", "/seller/orders?status=paid&limit=100", token=seller, patience=5)
                for order in paid.body.get("items", []) if paid.status == 200 else []:
                    if not all(line["ready_at"] for line in order["lines"]):
                        client.call("POST", f"/seller/orders/{order['order_id']}/ready", {}, seller, patience=5)
            self.done.wait(0.5)


# --- the chaos -----------------------------------------------------------------------------------------


class Chaos:
    """What breaks, at set shares of the checkouts tried: each step waits for its share, then acts."""

    def __init__(self, plan: Plan, cluster: Cluster, sandboxes: SandboxServers, shopping: Shopping) -> None:
        self.plan, self.cluster, self.sandboxes, self.shopping = plan, cluster, sandboxes, shopping
        self.settings = load_settings(cluster.serves[0].env)
        self.ledger = shopping.ledger
        self.incidents: list[Incident] = []
        self.starting: list[threading.Thread] = []  # processes started again, until they answer
        self.back: list[str] = []  # how long each took
        self.started = time.monotonic()
        self.steps: list[tuple[float, Callable[[], str], str]] = [
            (0.15, self.restart_broker, "Kafka broker stopped and started"),
            (0.3, self.restart_postgres, "PostgreSQL stopped and started"),
            (0.4, lambda: self.kill("serve-1"), "SIGKILL serve-1 (the webhooks' target)"),
            (0.55, lambda: self.kill("consume-1"), "SIGKILL consume-1 (with analytics)"),
            (0.65, self.lose_a_parcel, "the carrier lost a parcel"),
        ]

    def run(self) -> None:
        for share, act, what in self.steps:
            while self.ledger.attempts < share * self.plan.orders and not self.shopping.done.is_set():
                time.sleep(0.1)
            at = time.monotonic() - self.started
            try:
                self.incidents.append(Incident(what, at, act()))
            except Exception as exc:  # said in the table, and a failed check
                self.incidents.append(Incident(what, at, f"failed: {exc!r}", done=False))

    def _mid_saga(self) -> int:
        """The sagas running, once there are some (for a while): what the next incident hits."""
        sql = "SELECT count(*) FROM orchestrator.sagas WHERE status = 'running'"
        deadline = time.monotonic() + 15
        while True:
            running = int(asyncio.run(_fetch(self.settings, "orchestrator", sql))[0][0])
            if running or time.monotonic() > deadline:
                return running
            time.sleep(0.2)

    def restart_broker(self) -> str:
        services("down", "kafka")
        down = time.monotonic()
        before = len(self.ledger.placed_while_broker_down)
        self.ledger.broker_down = True
        want = max(1, min(self.plan.concurrency, self.plan.customers) // 3)
        while len(self.ledger.placed_while_broker_down) - before < want and time.monotonic() - down < 30:
            time.sleep(0.1)
        self.ledger.broker_down = False
        placed = len(self.ledger.placed_while_broker_down) - before
        services("up", "kafka")
        return f"down {time.monotonic() - down:.1f} s, {placed} checkouts accepted meanwhile"

    def kill(self, name: str) -> str:
        running = self._mid_saga()
        process = self.cluster.processes[name]
        process.kill()
        if isinstance(process, Api):  # the run goes on while it starts: ``back`` waits for it to answer
            process.start(wait=False)
            killed = time.monotonic()
            waiting = threading.Thread(target=lambda: self._answering(process, killed), name=f"{name} starting")
            waiting.start()
            self.starting.append(waiting)
        else:
            process.start()
        return f"{running} sagas running at the kill"

    def _answering(self, api: Api, since: float) -> None:
        api.wait_until_up()
        self.back.append(f"{api.args[0]} on port {api.port} answering again after {time.monotonic() - since:.1f} s")

    def wait_for_restarts(self) -> None:
        for thread in self.starting:
            thread.join()

    def lose_a_parcel(self) -> str:
        carrier = self.sandboxes.carrier
        assert carrier is not None

        async def on_the_way() -> list[str]:
            return [p.tracking_number for p in carrier.parcels.values() if p.status in ("accepted", "in_transit")]

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for tracking_number in self.sandboxes.call(on_the_way()):
                url = f"{self.sandboxes.logistics_url}/sandbox/shipments/{tracking_number}/lose"
                if requests.post(url, timeout=10).status_code == 200:
                    return f"parcel {tracking_number}"
            time.sleep(0.5)
        raise RuntimeError("no parcel was on its way within 120 s")

    def restart_postgres(self) -> str:
        running = self._mid_saga()
        services("down", "postgres")
        down = time.monotonic()
        services("up", "postgres")
        return f"{running} sagas running; down {time.monotonic() - down:.1f} s"


# --- the run -------------------------------------------------------------------------------------------


def run(plan: Plan) -> Report:
    """The whole run: the shop started, shopped at under chaos, waited for, checked, and stopped."""
    report = Report(plan)
    ports = [free_port(), free_port()]
    sandboxes = SandboxServers(app_port=ports[0], slow_seconds=LATE_SECONDS)
    engine: dict[str, str] = {}
    if plan.engine == "temporal":
        engine = {
            "MARKETPLACE_SAGA_ENGINE": "temporal",
            "MARKETPLACE_TEMPORAL_ADDRESS": temporal_address(),
            "MARKETPLACE_TEMPORAL_TASK_QUEUE": f"chaos-{uuid.uuid4().hex[:8]}",
            # An activity lost with its process is tried again after this, not after its step's own timeout.
            "MARKETPLACE_SAGA_STEP_LIMIT_SECONDS": "5",
        }
    began = time.monotonic()
    with infra_env("chaos", sandboxes, **QUICK, **engine) as env:
        settings = load_settings(env)
        sandboxes.start(settings, SystemClock())
        cluster = Cluster(env, plan.engine, ports)
        try:
            asyncio.run(create_topics(settings))  # the databases and the bucket are infra_env's
            cluster.start()
            report.seconds["start"] = time.monotonic() - began
            _shop_under_chaos(plan, cluster, sandboxes, settings, report)
        finally:
            cluster.stop()
            sandboxes.stop()
            if plan.engine == "temporal":
                asyncio.run(end_workflows(env["MARKETPLACE_TEMPORAL_TASK_QUEUE"]))
    report.seconds["in all"] = time.monotonic() - began
    return report


@attrs.frozen
class Shop:
    """The shop the run built through the API: an admin, sellers, products with their stock at the start,
    customers with an address."""

    builder: ShopBuilder
    sellers: list[str]  # their tokens
    stock: dict[str, int]  # product id -> units on hand at the start
    customers: list[Customer]


def _build_shop(plan: Plan, env: dict[str, str], bases: list[str]) -> Shop:
    """The admin first; then the sellers (each with their products) and the customers, side by side."""
    builder = ShopBuilder(
        ApiClient(bases[0]), lambda email: cli(env, "set-roles", email, "admin"), domain="chaos.example"
    )
    builder.admin()  # and the category every product goes in
    rng = random.Random(plan.seed)
    prices = [rng.randrange(500, 5000) for _ in range(plan.products)]

    def beside(n: int) -> ShopBuilder:
        """A builder of its own (its own session, on one of the `serve` processes), for one thread."""
        other = ShopBuilder(ApiClient(bases[n % len(bases)]), builder.make_admin, builder.domain)
        other.admin_token, other.category_id = builder.admin_token, builder.category_id
        return other

    def seller(n: int) -> tuple[str, dict[str, int]]:
        own = beside(n)
        token = own.seller(f"seller{n}")
        stock: dict[str, int] = {}
        for p in range(n, plan.products, plan.sellers):
            units = max(3, plan.orders // 25) if p == 0 else plan.stock  # the first sells out
            stock[own.product(token, f"Chaos thing {p}", prices[p], units)] = units
        return token, stock

    def customer(n: int) -> Customer:
        token, address_id = beside(n).customer(f"customer{n}")
        orders = plan.orders // plan.customers + (n < plan.orders % plan.customers)
        return Customer(f"customer{n}", token, address_id, orders)

    with ThreadPoolExecutor(plan.concurrency) as pool:
        sellers = pool.map(seller, range(plan.sellers))
        customers = list(pool.map(customer, range(plan.customers)))
        tokens, stocks = zip(*sellers, strict=True)
    return Shop(builder, list(tokens), {p: units for stock in stocks for p, units in stock.items()}, customers)


def _shop_under_chaos(
    plan: Plan, cluster: Cluster, sandboxes: SandboxServers, settings: Settings, report: Report
) -> None:
    bases = [serve.base_url for serve in cluster.serves]
    began = time.monotonic()
    shop = _build_shop(plan, cluster.serves[0].env, bases)
    report.seconds["shop set up"] = time.monotonic() - began

    async def inject_faults() -> None:
        assert sandboxes.gateway is not None
        assert sandboxes.carrier is not None
        sandboxes.gateway.set_faults(GATEWAY_UNAVAILABLE, GATEWAY_LATE, plan.seed)
        sandboxes.carrier.failure_rate = CARRIER_FAILURES
        sandboxes.carrier.reseed(plan.seed)
        sandboxes.carrier.step_seconds = CARRIER_STEP_SECONDS

    sandboxes.call(inject_faults())
    shopping = Shopping(plan, bases, list(shop.stock), shop.sellers)
    chaos = Chaos(plan, cluster, sandboxes, shopping)
    began = time.monotonic()
    sellers_at_work = threading.Thread(target=shopping.prepare_orders, name="sellers", daemon=True)
    breaking = threading.Thread(target=chaos.run, name="chaos", daemon=True)
    sellers_at_work.start()
    breaking.start()
    try:
        with ThreadPoolExecutor(plan.concurrency) as pool:
            list(pool.map(lambda c: shopping.shop(c[1], plan.seed + c[0]), enumerate(shop.customers)))
        report.seconds["checkouts"] = time.monotonic() - began
        breaking.join()  # every incident happens, even in a short run
        waited = time.monotonic()
        chaos.wait_for_restarts()
        quiet = _wait_until_quiet(settings, plan.quiet_seconds)
        shopping.review_everything(shop.customers)  # what was delivered last is reviewed too
        quiet = _wait_until_quiet(settings, plan.quiet_seconds) and quiet
        report.seconds["until quiet"] = time.monotonic() - waited
    finally:
        shopping.done.set()
        sellers_at_work.join(30)
    report.incidents = chaos.incidents
    report.notes = chaos.back
    # The analytics store belongs to consume-1 while it runs: stop it, then a `serve` opens the store.
    cluster.processes["consume-1"].stop()
    figures = ok(shop.builder.api.get("/api/v1/admin/analytics/sales", token=shop.builder.admin()))
    report.faults = _faults(sandboxes, shopping.ledger)
    books = asyncio.run(Books.read(settings, sandboxes, bases[0]))
    report.checks = [
        Check("incidents injected", len(chaos.steps), sum(i.done for i in chaos.incidents)),
        Check("killed API processes answering again", len(chaos.starting), len(chaos.back)),
        Check("the shop quiet within the deadline", True, quiet),
        *_orders_checks(books, shopping.ledger),
        *_money_checks(books, shopping.ledger),
        *asyncio.run(_event_checks(plan, settings, books)),
        *_stock_checks(books, shop.stock),
        *_review_checks(books, shop.stock),
        *_analytics_checks(books, figures),
    ]
    report.outcomes = _outcomes(books, shopping.ledger)


# --- reading the sources of truth ----------------------------------------------------------------------


async def _fetch(settings: Settings, database: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_dsn(settings, database))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def _still_busy(settings: Settings) -> str:
    """What keeps the shop from being quiet ("" once it is): orders not final, sagas running, outbox events
    pending, consumer groups behind."""
    busy = []
    orders = await _fetch(
        settings, "orders", "SELECT count(*) FROM orders.orders WHERE status <> ALL($1::text[])", list(FINAL)
    )
    if orders[0][0]:
        busy.append(f"{orders[0][0]} orders not final")
    sagas = await _fetch(settings, "orchestrator", "SELECT count(*) FROM orchestrator.sagas WHERE status = 'running'")
    if sagas[0][0]:
        busy.append(f"{sagas[0][0]} sagas running")
    pending = sum((await _outbox(settings)).values(), Counter())["pending"]
    if pending:
        busy.append(f"{pending} outbox events pending")
    behind = sum((await _lag(settings)).values())
    if behind:
        busy.append(f"{behind} events not handled by their consumer groups")
    return ", ".join(busy)


def _wait_until_quiet(settings: Settings, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    busy = "?"
    while time.monotonic() < deadline:
        try:
            busy = asyncio.run(_still_busy(settings))
        except (OSError, asyncpg.PostgresError) as exc:
            busy = repr(exc)
        if not busy:
            return True
        time.sleep(1)
    print(f"chaos: not quiet after {seconds:.0f} s: {busy}", file=sys.stderr)
    return False


async def _outbox(settings: Settings) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for database in DATABASES:
        (row,) = await _fetch(
            settings,
            database,
            "SELECT count(*) FILTER (WHERE published_at IS NULL AND dead_at IS NULL) AS pending,"
            " count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead FROM outbox",
        )
        counts[database] = Counter({"pending": row["pending"], "dead": row["dead"]})
    return counts


async def _lag(settings: Settings) -> dict[str, int]:
    """Per consumer group, the events on its topics past its committed offsets (a topic is the group's once
    it committed on it; a partition it never committed on counts from its start)."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.structs import TopicPartition

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    await consumer.start()
    try:
        described = await admin.describe_topics(context_topics(settings))
        partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
        ends = await consumer.end_offsets(partitions)
        lag: dict[str, int] = {}
        for group in GROUPS:
            committed = await admin.list_consumer_group_offsets(group_id(settings.kafka_topic_prefix, group))
            topics = {tp.topic for tp in committed}
            lag[group] = sum(
                ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in partitions if tp.topic in topics
            )
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def _dead_letters(settings: Settings) -> int:
    desk, close = dead_letters(settings)
    try:
        return len(await desk.list())
    finally:
        await close()


def _faults(sandboxes: SandboxServers, ledger: Ledger) -> dict[str, int]:
    async def counted() -> dict[str, int]:
        gateway, carrier = sandboxes.gateway, sandboxes.carrier
        assert gateway is not None
        assert carrier is not None
        return {
            "gateway: 503 answers": gateway.injected["unavailable"],
            "gateway: answers too late (timeouts)": gateway.injected["late"],
            "carrier: 503 answers": carrier.injected,
            "carrier: parcels lost": sum(p.status == "lost" for p in carrier.parcels.values()),
        }

    faults = sandboxes.call(counted())
    hooks = requests.get(f"{sandboxes.logistics_url}/sandbox/webhooks", timeout=10).json()
    faults["carrier: webhooks given up (shop away)"] = len(hooks["failed"])
    faults.update({f"clients: {name}": count for name, count in sorted(ledger.retries.items())})
    return faults


@attrs.frozen
class Books:
    """What the sources of truth hold at the end: the databases, the gateway's and the carrier's books, and
    each product's card as the API shows it."""

    orders: dict[str, dict[str, Any]]  # id -> status, total, lines, history
    sagas: dict[str, str]  # id -> status
    authorizations: list[dict[str, Any]]  # the gateway's, declined ones too
    parcels: dict[str, str]  # order id -> the carrier's status of its parcel
    shelves: dict[str, tuple[int, int]]  # product id -> on hand, reserved
    published: dict[str, tuple[int, int]]  # product id -> published reviews, their stars in all
    ratings: dict[str, list[int]]  # product id -> the ratings database's count of each number of stars
    cards: dict[str, dict[str, Any]]  # product id -> the rating its card shows
    received: set[str]  # orders the reviews context knows were delivered
    refunded: int  # the payments database's money given back

    @classmethod
    async def read(cls, settings: Settings, sandboxes: SandboxServers, base_url: str) -> Books:
        orders = {
            r["id"]: {
                "status": r["status"],
                "total": r["total_amount"],
                "lines": _json(r["lines"]),
                "history": _json(r["history"]),
            }
            for r in await _fetch(
                settings, "orders", "SELECT id, status, total_amount, lines, history FROM orders.orders"
            )
        }
        sagas = await _fetch(settings, "orchestrator", "SELECT id, status FROM orchestrator.sagas")
        shelves = await _fetch(settings, "products", "SELECT product_id, on_hand, reserved FROM products.stock_items")
        published = await _fetch(
            settings,
            "reviews",
            "SELECT product_id, count(*) AS count, sum(live_rating) AS stars FROM reviews.reviews"
            " WHERE live_rating IS NOT NULL AND status <> 'deleted' GROUP BY product_id",
        )
        ratings = await _fetch(
            settings, "ratings", "SELECT subject_id, stars FROM ratings.ratings WHERE subject_type = 'product'"
        )
        received = await _fetch(
            settings, "reviews", "SELECT DISTINCT order_id FROM reviews.purchases WHERE received_at IS NOT NULL"
        )
        refunded = await _fetch(settings, "payments", "SELECT coalesce(sum(refunded), 0) FROM payments.payments")

        async def gateway_and_carrier() -> tuple[list[dict[str, Any]], dict[str, str]]:
            gateway, carrier = sandboxes.gateway, sandboxes.carrier
            assert gateway is not None
            assert carrier is not None
            authorizations = [dict(a) for a in gateway.authorizations.values()]
            return authorizations, {p.reference: p.status for p in carrier.parcels.values()}

        authorizations, parcels = await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(gateway_and_carrier(), sandboxes.loop)
        )
        api = ApiClient(base_url)
        products = [r["product_id"] for r in shelves]
        cards = {p: ok(await asyncio.to_thread(api.get, f"/api/v1/products/{p}", token=""))["rating"] for p in products}
        return cls(
            orders=orders,
            sagas={r["id"]: r["status"] for r in sagas},
            authorizations=authorizations,
            parcels=parcels,
            shelves={r["product_id"]: (r["on_hand"], r["reserved"]) for r in shelves},
            published={r["product_id"]: (r["count"], r["stars"]) for r in published},
            ratings={r["subject_id"]: list(r["stars"]) for r in ratings},
            cards=cards,
            received={r["order_id"] for r in received},
            refunded=refunded[0][0],
        )

    def status(self, order_id: str) -> str | None:
        order = self.orders.get(order_id)
        return None if order is None else str(order["status"])

    def delivered(self) -> list[str]:
        return [order_id for order_id, order in self.orders.items() if order["status"] == "delivered"]

    def held(self) -> dict[str, list[dict[str, Any]]]:
        """The gateway's authorizations that were granted, by order."""
        by_order: dict[str, list[dict[str, Any]]] = {}
        for authorization in self.authorizations:
            if authorization["status"] != "declined":
                by_order.setdefault(authorization["reference"], []).append(authorization)
        return by_order


def _orders_checks(books: Books, ledger: Ledger) -> list[Check]:
    """No order lost, none made twice, every one ended."""
    accepted, orders = set(ledger.accepted), set(books.orders)
    return [
        Check("checkouts accepted, found as orders", len(accepted), len(accepted & orders)),
        Check("orders made, never answered to a client", 0, len(orders - accepted)),
        Check("a checkout sent again: the same order", ledger.replays, ledger.replays_same),
        Check("orders in a final state", len(orders), sum(books.status(o) in FINAL for o in orders)),
    ]


def _money_checks(books: Books, ledger: Ledger) -> list[Check]:
    """No order authorized or captured twice, nor for another amount than its total; what the gateway kept
    is what the delivered orders cost."""
    held = books.held()
    doubled = [
        order_id
        for order_id, authorizations in held.items()
        if len(authorizations) > 1
        or order_id not in books.orders
        or any(a["amount"] != books.orders[order_id]["total"] or a["refunded"] > a["captured"] for a in authorizations)
    ]
    broker = ledger.placed_while_broker_down
    once = sum(books.status(o) in FINAL and len(held.get(o, [])) <= 1 for o in broker)
    kept = sum(a["captured"] - a["refunded"] for a in books.authorizations)
    return [
        Check("orders charged twice, or not their total", 0, len(doubled)),
        Check("placed while Kafka was down: ended, paid once", len(broker), once),
        Check("money kept = delivered orders' totals", sum(books.orders[o]["total"] for o in books.delivered()), kept),
    ]


async def _event_checks(plan: Plan, settings: Settings, books: Books) -> list[Check]:
    """No event pending or parked in an outbox, none dead-lettered, every group at the end of its topics;
    every order's OrderPlaced reached the orchestrator (its saga exists) and its saga ended."""
    outbox = sum((await _outbox(settings)).values(), Counter())
    checks = [
        Check("outbox events pending", 0, outbox["pending"]),
        Check("outbox events parked (dead)", 0, outbox["dead"]),
        Check("consumer dead letters", 0, await _dead_letters(settings)),
        Check("events not handled by their groups", 0, sum((await _lag(settings)).values())),
        Check("orders with no saga", 0, len(set(books.orders) - set(books.sagas))),
        Check("sagas still running", 0, sum(s == "running" for s in books.sagas.values())),
    ]
    if plan.engine == "temporal":
        checks.append(Check("saga workflows still running", 0, await _running_workflows(settings)))
    return checks


def _stock_checks(books: Books, stock: dict[str, int]) -> list[Check]:
    """What left with a parcel delivered or lost is gone from the shelf; nothing is still held."""
    left: Counter[str] = Counter()
    for order_id, parcel in books.parcels.items():
        if parcel in ("delivered", "lost") and order_id in books.orders:
            for line in books.orders[order_id]["lines"]:
                left[line["product_id"]] += line["quantity"]
    exact = sum(books.shelves.get(p, (-1, 0))[0] == units - left[p] for p, units in stock.items())
    delivered = books.delivered()
    return [
        Check("products: on hand = start - units shipped", len(stock), exact),
        Check("units still reserved", 0, sum(reserved for _, reserved in books.shelves.values())),
        Check(
            "delivered orders, parcels delivered",
            len(delivered),
            sum(books.parcels.get(o) == "delivered" for o in delivered),
        ),
    ]


def _review_checks(books: Books, stock: dict[str, int]) -> list[Check]:
    """Each product's rating, in the ratings database and on its card, is what its published reviews say;
    the reviews context heard of every delivery (a review of it is verified)."""
    agree = 0
    for product_id in stock:
        count, stars = books.published.get(product_id, (0, 0))
        held = books.ratings.get(product_id, [0] * 5)
        card = books.cards[product_id]
        average = round(stars / count, 2) if count else 0.0
        in_ratings = (sum(held), sum((n + 1) * c for n, c in enumerate(held))) == (count, stars)
        agree += in_ratings and (card["count"], card["average"]) == (count, average)
    delivered = books.delivered()
    return [
        Check("products: rating = published reviews", len(stock), agree),
        Check("delivered orders the reviews know of", len(delivered), len(books.received & set(delivered))),
    ]


def _analytics_checks(books: Books, figures: dict[str, Any]) -> list[Check]:
    """The admin's figures agree with the orders and payments databases: an order counts once paid (its
    history says so, whatever came after), on its total; refunds are the money given back."""
    paid = [o for o in books.orders.values() if any(change["status"] == "paid" for change in o["history"])]
    return [
        Check("analytics: orders paid", len(paid), figures["orders"]),
        Check("analytics: GMV", sum(o["total"] for o in paid), figures["gmv"]["amount"]),
        Check("analytics: money refunded", books.refunded, figures["refunds"]["amount"]["amount"]),
    ]


def _outcomes(books: Books, ledger: Ledger) -> dict[str, int]:
    return {
        "checkouts tried": ledger.attempts,
        "checkouts accepted": len(ledger.accepted),
        "checkouts refused (409: sold out)": ledger.sold_out,
        "checkouts never answered (the client gave up)": ledger.unanswered,
        "checkouts sent twice": ledger.replays,
        BROKER_DOWN: len(ledger.placed_while_broker_down),
        "orders cancelled by their customer": ledger.cancels,
        **{f"orders {s}": n for s, n in sorted(Counter(o["status"] for o in books.orders.values()).items())},
        "reviews written": ledger.reviews,
    }


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def _running_workflows(settings: Settings) -> int:
    client = await temporal_connection().client()
    query = f"TaskQueue = '{settings.temporal_task_queue}' AND ExecutionStatus = 'Running'"
    return len([execution async for execution in client.list_workflows(query)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Plan()
    parser.add_argument("--orders", type=int, default=defaults.orders)
    parser.add_argument("--customers", type=int, default=defaults.customers)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency, help="customers shopping at once")
    parser.add_argument("--engine", choices=sorted(SAGA_WORKERS), default=defaults.engine, help="the saga engine")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--logs", default="", help="a folder for the processes' logs (default: a new temporary one)")
    args = parser.parse_args()
    logs = args.logs or tempfile.mkdtemp(prefix="chaos-logs-")
    os.environ["TEST_PROCESS_LOGS"] = logs
    for sandbox in ("adapters.payment_gateway.sandbox", "adapters.logistics_api.sandbox"):
        logging.getLogger(sandbox).setLevel(logging.ERROR)  # webhooks the shop missed while away: expected
    plan = Plan(
        orders=args.orders, customers=args.customers, concurrency=args.concurrency, engine=args.engine, seed=args.seed
    )
    report = run(plan)
    print(report.table())
    print(f"the processes' logs: {logs}")
    sys.exit(0 if report.passed else 1)


if __name__ == "__main__":
    main()
