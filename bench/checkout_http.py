"""Benchmark: checkout through the real HTTP stack, and the saga behind it.

    python -m bench.checkout_http                                # memory profile, one process
    python -m bench.checkout_http --profile infra                # infra, everything in one process (`run`)
    python -m bench.checkout_http --profile infra --split 1,2    # infra as separate processes: N `serve`,
                                                                 # N `consume`, one `work`; for N=1, then 2
    python -m bench.checkout_http --profile infra --split 1 --engines builtin,temporal
                                                                 # the sagas on each engine, side by side
    python -m bench.checkout_http --profile infra --split 1 --engines temporal --saga-workers 1
                                                                 # and one more saga worker process

Starts the shop as separate processes (and, on infra, ``marketplace sandbox payments`` and ``marketplace
sandbox logistics`` beside it), waits for the demo catalogue, gives each of N customers an address and a
cart of one or two demo products, then has them all check out at once through concurrent clients (spread
round-robin over the `serve` processes, as the L7 balancer would). It measures the checkout requests
("checkout accepted": throughput, latency percentiles) and, per order, "order paid": from the order's
``placed_at`` to its ``paid_at`` as the orders database has them on infra (stock reserved, payment
authorized at the sandbox gateway, order confirmed, all through Kafka with --split), or, on memory, how
long until every saga was past payment. With --split it prints each topology's row and the scaling ratio
from the first to the last. It prints each process's peak RSS, and what its RSS holds at the end: its own
(anonymous) memory and the pages of files it maps, which every process mapping a file shares (the embedded
ClickHouse's library, about 210 MiB of it in each process that has analytics embedded). Targets (2 cores
shared by everything): at least 100 checkouts/s with p99 under 500 ms on memory, every saga paid within 10 s
of the last checkout on both profiles, and a process's own memory under 300 MiB. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import attrs

from bench.auth_http import free_port, measure, memory_mib, peak_rss_mib, percentile, wait_ready
from tests.support.settings import UNLIMITED

# The worker that runs the sagas in `work`, by engine: the built-in runner's sweeper (the consumers drive the
# sagas), or Temporal's saga worker (the workflows and their activities run there).
SAGA_WORKERS = {"builtin": "saga-sweeper", "temporal": "saga-worker"}

PASSWORD = "a benchmark buyer's passphrase"  # noqa: S105 - a benchmark account
CLI = [sys.executable, "-m", "entrypoints.cli"]
DEMO_PRODUCTS = 300
WELL_STOCKED = 50  # the benchmark measures checkouts, not sold-out refusals


class NoProfileYet(Exception):
    pass


async def _fresh_databases(env: dict[str, str]) -> dict[str, str]:
    """Empty bench_<name> databases beside the configured ones, so every run starts from the demo shop
    alone. A database whose DSN the environment does not name goes on the users database's server:
    `scripts/services env` names only a few, and the others' defaults point at the default port, which may
    be another checkout's server (SERVICES_PG_PORT)."""
    from config.container import DATABASES, database_dsn
    from config.settings import load_settings

    settings = load_settings(env)
    fresh: dict[str, str] = {}
    server = urlsplit(database_dsn(settings, "users"))

    for database in DATABASES:
        key = f"MARKETPLACE_{database.upper()}_DB_DSN"
        dsn = urlsplit(env[key]) if key in env else server
        name = f"bench_{database}"
        conn = await asyncpg.connect(urlunsplit(dsn._replace(path="/postgres")))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        fresh[key] = urlunsplit(dsn._replace(path=f"/{name}"))
    return fresh


@attrs.define
class Shop:
    """The processes of one run and where the `serve` ones answer."""

    env: dict[str, str]
    bases: list[str]
    processes: dict[str, subprocess.Popen[bytes]] = attrs.Factory(dict)  # name -> process

    def start(self, name: str, *args: str, port: int | None = None) -> None:
        env = self.env if port is None else {**self.env, "MARKETPLACE_PORT": str(port)}
        # An embedded analytics store belongs to one process (its data path is locked): each its own.
        env = {**env, "MARKETPLACE_ANALYTICS_PATH": tempfile.mkdtemp(prefix=f"bench-chdb-{name}-")}
        self.processes[name] = subprocess.Popen([*CLI, *args], env=env)  # noqa: S603

    def stop(self) -> dict[str, Memory]:
        """Stop every process; their memory figures, by name."""
        peaks = {name: Memory.of(p.pid) for name, p in self.processes.items() if not name.startswith("sandbox")}
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.wait(10)
        return peaks


@attrs.frozen
class Memory:
    """A process's peak RSS, and what its RSS holds at the end: its own memory (anonymous pages) and pages of
    files it maps, shared with every process mapping them (the code, chiefly the embedded ClickHouse's 530 MB
    library where analytics is embedded)."""

    peak: float
    private: float
    file: float

    @classmethod
    def of(cls, pid: int) -> Memory:
        return cls(peak_rss_mib(pid), memory_mib(pid, "RssAnon"), memory_mib(pid, "RssFile"))

    def __str__(self) -> str:
        return f"{self.peak:.0f} MiB (at the end {self.private:.0f} private + {self.file:.0f} file-backed)"


async def _start(profile: str, serves: int, engine: str, saga_workers: int = 0) -> Shop:
    """The shop: ``marketplace run --demo`` (serves == 0), or, on infra, the demo catalogue loaded by
    ``marketplace seed`` and then ``serves`` `serve` and as many `consume` processes, and one `work`; the
    sagas on ``engine``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_") or profile == "infra"}
    env.update(
        MARKETPLACE_PROFILE=profile,
        MARKETPLACE_LOG_LEVEL="WARNING",
        MARKETPLACE_ARGON2_TIME_COST="1",  # the customers' logins are not what is measured here
        MARKETPLACE_ARGON2_MEMORY_KIB="8192",
        MARKETPLACE_RATE_LIMITS=UNLIMITED,  # every customer signs up and checks out from this one address
    )
    if engine == "temporal":  # the Temporal server of MARKETPLACE_TEMPORAL_ADDRESS (scripts/services env)
        env.update(MARKETPLACE_SAGA_ENGINE="temporal", MARKETPLACE_TEMPORAL_TASK_QUEUE=f"bench-{uuid.uuid4().hex[:8]}")
    ports = [free_port() for _ in range(max(serves, 1))]
    env["MARKETPLACE_PORT"] = str(ports[0])  # where the payment sandbox sends its webhooks
    shop = Shop(env, [f"http://127.0.0.1:{port}" for port in ports])
    if profile == "infra":
        gateway, carrier = free_port(), free_port()
        env.update(
            MARKETPLACE_PAYMENT_GATEWAY_URL=f"http://127.0.0.1:{gateway}",
            MARKETPLACE_LOGISTICS_API_URL=f"http://127.0.0.1:{carrier}",
        )
        env.update(await _fresh_databases(env))
        # Topics of this run's own: the consumer groups start from nothing, as the databases do.
        env["MARKETPLACE_KAFKA_TOPIC_PREFIX"] = f"bench{uuid.uuid4().hex[:8]}"
        subprocess.run([*CLI, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603, ASYNC221
        for kind, sandbox_port in (("payments", gateway), ("logistics", carrier)):
            shop.start(f"sandbox-{kind}", "sandbox", kind, "--port", str(sandbox_port))
    if not serves:
        shop.start("run", "run", "--demo")
        return shop
    subprocess.run([*CLI, "seed", "--demo"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603, ASYNC221
    serve_ports = iter(ports)
    for name, args in split_processes(serves, engine, saga_workers).items():
        shop.start(name, *args, port=next(serve_ports) if args[0] == "serve" else None)
    return shop


def split_processes(serves: int, engine: str, saga_workers: int = 0) -> dict[str, tuple[str, ...]]:
    """The infra profile as separate processes, by name: the `marketplace` arguments of ``serves`` `serve`
    processes (each given its port by its caller) and as many `consume`, and one `work` with the sagas on
    ``engine``, and on Temporal ``saga_workers`` more `work saga-worker` processes. The embedded analytics
    store belongs to one process: the analytics group runs in the first `consume` only."""
    from config.contexts import GROUPS

    processes: dict[str, tuple[str, ...]] = {}
    for i in range(1, serves + 1):
        processes[f"serve-{i}"] = ("serve",)
        processes[f"consume-{i}"] = ("consume", *(g for g in GROUPS if i == 1 or g != "analytics"))
    processes["work"] = ("work", "outbox-relay", "payment-errors", "shipment-poller", SAGA_WORKERS[engine])
    for i in range(1, saga_workers + 1):
        processes[f"saga-worker-{i}"] = ("work", SAGA_WORKERS["temporal"])
    return processes


async def _orders_db(env: dict[str, str]) -> asyncpg.Connection:
    from config.container import database_dsn
    from config.settings import load_settings

    return await asyncpg.connect(database_dsn(load_settings(env), "orders"))


async def _well_stocked(env: dict[str, str]) -> list[str]:
    """The published demo products with units to spare, from the products database (infra): what the
    catalogue holds, with no wait for the search index to catch up."""
    from config.container import database_dsn
    from config.settings import load_settings

    conn = await asyncpg.connect(database_dsn(load_settings(env), "products"))
    try:
        for _ in range(1200):  # the demo catalogue's publications may still be on their way through Kafka
            rows = await conn.fetch(
                "SELECT c.id, s.on_hand - s.reserved AS available FROM products.cards c"
                " JOIN products.stock_items s ON s.product_id = c.id WHERE c.status = 'published'"
            )
            if len(rows) >= DEMO_PRODUCTS:  # all published; some have few units, or none, on purpose
                break
            await asyncio.sleep(0.1)
        rows = [row for row in rows if row["available"] >= WELL_STOCKED]
        return [row["id"] for row in rows]
    finally:
        await conn.close()


@attrs.frozen
class Result:
    topology: str
    checkouts: int
    accepted: tuple[float, float, float, float]  # req/s, p50, p95, p99 ms
    paid: tuple[float, float, float] | None  # p50, p99 ms of placed_at -> paid_at (infra)
    paid_per_s: float  # orders paid per second, from the first placed to the last paid
    settled_in: float  # seconds from the last checkout until every saga was past payment
    unpaid: int
    peaks: dict[str, Memory]


async def run(
    profile: str, serves: int, customers: int, concurrency: int, engine: str = "builtin", saga_workers: int = 0
) -> Result:
    shop = await _start(profile, serves, engine, saga_workers)
    try:
        for name, process in shop.processes.items():
            if name == "run":
                await wait_ready(shop.bases[0], process, 120)
            elif name.startswith("serve-"):
                await wait_ready(shop.bases[int(name.removeprefix("serve-")) - 1], process, 120)
        result = await _checkouts(profile, shop, serves, customers, concurrency)
        if profile == "infra":
            more = f" + {saga_workers} saga-worker" if saga_workers else ""
            result = attrs.evolve(result, topology=f"{result.topology}{more}, {engine}")
    finally:
        peaks = shop.stop()
        if profile == "infra":
            await _drop_topics(shop.env)
    return attrs.evolve(result, peaks=peaks)


async def _drop_topics(env: dict[str, str]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    from config.container import topics
    from config.settings import load_settings

    settings = load_settings(env)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.delete_topics(topics(settings))
    finally:
        await admin.close()


async def _checkouts(profile: str, shop: Shop, serves: int, customers: int, concurrency: int) -> Result:
    apis = itertools.cycle([f"{base}/api/v1" for base in shop.bases])
    run_id = uuid.uuid4().hex[:6]
    rng = random.Random(7)  # a reproducible workload
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def call(method: str, path: str, token: str = "", body: Any = None, **headers: str) -> Any:
            if token:
                headers["Authorization"] = f"Bearer {token}"
            async with http.request(method, f"{next(apis)}{path}", json=body, headers=headers) as r:
                data = await r.json() if r.content_type.endswith("json") else None
                if r.status == 404 and path == "/me/addresses":
                    raise NoProfileYet
                if r.status >= 300:
                    raise RuntimeError(f"{method} {path}: {r.status} {data}")
                return data

        products: list[str] = []
        if profile == "infra":
            products = await _well_stocked(shop.env)
        else:
            for _ in range(1200):  # the demo catalogue fills in the background: measure once it is all there
                found = await call("GET", "/search/products?limit=100")
                products = [item["id"] for item in found["items"] if item["available"] >= WELL_STOCKED]
                if found["total"] >= DEMO_PRODUCTS:  # all indexed; some have few units, or none, on purpose
                    break
                await asyncio.sleep(0.1)
        buyers: list[tuple[str, str]] = []

        async def prepare(i: int) -> None:
            email = f"buyer{run_id}-{i}@example.com"
            await call("POST", "/auth/register", body={"email": email, "password": PASSWORD, "display_name": "B"})
            token = (await call("POST", "/auth/login", body={"email": email, "password": PASSWORD}))["token"]
            address = {"recipient": "B", "line1": "Street 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
            # The profile comes with the UserRegistered event (through the outbox and Kafka on infra), which
            # waits for the consumer groups to be joined when the shop has just started.
            deadline = time.monotonic() + 120
            while True:
                try:
                    address_id = (await call("POST", "/me/addresses", token, address))["address_id"]
                    break
                except NoProfileYet:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{email} has no profile 120 s after signing up") from None
                    await asyncio.sleep(0.05)
            for product_id in rng.sample(products, rng.randint(1, 2)):
                await call("POST", "/cart/items", token, {"product_id": product_id, "quantity": 1})
            buyers.append((token, address_id))

        await measure("prepare", customers, min(concurrency, 8), prepare)
        orders: list[tuple[str, str]] = []

        async def check_out(i: int) -> None:
            token, address_id = buyers[i]
            body = {"address_id": address_id, "payment_token": "tok_visa"}
            placed = await call("POST", "/orders", token, body, **{"Idempotency-Key": str(uuid.uuid4())})
            orders.append((token, placed["order_id"]))

        _, total, rate, p50, p95, p99 = await measure("checkout", customers, concurrency, check_out)
        placed_at = time.perf_counter()
        pending = list(orders)
        while pending and time.perf_counter() - placed_at < 120:
            views = await asyncio.gather(*(call("GET", f"/orders/{order_id}", token) for token, order_id in pending))
            pending = [o for o, v in zip(pending, views, strict=True) if v["status"] in ("pending", "awaiting_payment")]
            if pending:
                await asyncio.sleep(0.05)
        settled_in = time.perf_counter() - placed_at

    paid: tuple[float, float, float] | None = None
    paid_per_s = 0.0
    if profile == "infra":
        conn = await _orders_db(shop.env)
        try:
            rows = await conn.fetch(
                "SELECT placed_at, paid_at FROM orders.orders WHERE id = ANY($1::text[]) AND paid_at IS NOT NULL",
                [order_id for _, order_id in orders],
            )
        finally:
            await conn.close()
        if rows:
            ms = [(r["paid_at"] - r["placed_at"]).total_seconds() * 1000 for r in rows]
            paid = (percentile(ms, 50), percentile(ms, 95), percentile(ms, 99))
            span = (max(r["paid_at"] for r in rows) - min(r["placed_at"] for r in rows)).total_seconds()
            paid_per_s = len(rows) / span if span > 0 else 0.0
    topology = f"{serves} serve + {serves} consume + work" if serves else "run (one process)"
    return Result(topology, total, (rate, p50, p95, p99), paid, paid_per_s, settled_in, len(pending), {})


async def main(
    profile: str, splits: list[int], customers: int, concurrency: int, engines: list[str], saga_workers: int = 0
) -> None:
    results: list[Result] = []
    for serves in splits or [0]:
        for engine in engines:
            more = saga_workers if engine == "temporal" else 0
            results.append(await run(profile, serves, customers, concurrency, engine, more))
    print(f"\nprofile={profile} customers={customers} concurrency={concurrency} cores={os.cpu_count()}")
    width = max(44, *(len(r.topology) for r in results))
    print(
        f"{'topology':{width}} {'checkout/s':>10} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'paid p50':>9} {'paid p99':>9} {'paid/s':>7} {'all paid s':>10}"
    )
    for r in results:
        rate, p50, _, p99 = r.accepted
        paid50, _, paid99 = r.paid or (float("nan"),) * 3
        left = f" ({r.unpaid} unpaid)" if r.unpaid else ""
        print(
            f"{r.topology:{width}} {rate:10.0f} {p50:7.1f} {p99:7.1f}"
            f" {paid50:9.0f} {paid99:9.0f} {r.paid_per_s:7.0f} {r.settled_in:10.2f}{left}"
        )
    for r in results:
        print(f"peak RSS, {r.topology}: " + ", ".join(f"{name} {memory}" for name, memory in r.peaks.items()))
    if len(results) > 1 and len(engines) == 1:
        first, last = results[0], results[-1]
        accepted = last.accepted[0] / first.accepted[0]
        paid = last.paid_per_s / first.paid_per_s if first.paid_per_s else float("nan")
        print(f"scaling {first.topology} -> {last.topology}: checkouts accepted/s x{accepted:.2f}, paid/s x{paid:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=["memory", "infra"], default="memory")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--split",
        default="",
        help="infra: comma-separated numbers of serve (and consume) processes to run in turn, e.g. 1,2",
    )
    parser.add_argument(
        "--engines", default="builtin", help="infra: comma-separated saga engines to run in turn: builtin,temporal"
    )
    parser.add_argument(
        "--saga-workers", type=int, default=0, help="infra, temporal: this many more `work saga-worker` processes"
    )
    args = parser.parse_args()
    splits = [int(n) for n in args.split.split(",") if n]
    engines = [e for e in args.engines.split(",") if e]
    if splits and args.profile != "infra":
        parser.error("--split needs --profile infra")
    if set(engines) - set(SAGA_WORKERS) or (engines != ["builtin"] and args.profile != "infra"):
        parser.error("--engines takes builtin and temporal, on --profile infra")
    if args.saga_workers and (not splits or "temporal" not in engines):
        parser.error("--saga-workers needs --split and --engines temporal")
    asyncio.run(main(args.profile, splits, args.customers, args.concurrency, engines, args.saga_workers))
