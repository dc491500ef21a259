"""Benchmark: checkout through the real HTTP stack, and the saga behind it.

    python -m bench.checkout_http                    # memory profile
    python -m bench.checkout_http --profile infra    # PostgreSQL + Redis + the two sandboxes as servers

Starts ``marketplace run --demo`` as a separate process (and, on infra, ``marketplace sandbox payments``
and ``marketplace sandbox logistics`` beside it), waits for the demo catalogue, gives each of N customers
an address and a cart of one or two demo products, then has them all check out at once through
concurrent clients. It measures the checkout requests (throughput, latency percentiles) and how long the
checkout saga takes to have every order paid (stock reserved, payment authorized at the sandbox gateway,
order confirmed), and prints the server's peak RSS. Targets (2 cores shared by everything): at least 100
checkouts/s with p99 under 500 ms on memory, every saga paid within 10 s of the last checkout on both
profiles, and a peak RSS under 300 MiB. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg

from bench.auth_http import free_port, measure, peak_rss_mib, wait_ready

PASSWORD = "a benchmark buyer's passphrase"  # noqa: S105 - a benchmark account
CLI = [sys.executable, "-m", "entrypoints.cli"]
DEMO_PRODUCTS = 300


class NoProfileYet(Exception):
    pass


async def _fresh_databases(env: dict[str, str]) -> dict[str, str]:
    """Empty bench_<name> databases beside the configured ones: the search index is still in-process on
    infra, so a catalogue left by an earlier run would not be searchable."""
    from config.container import DATABASES, database_dsn
    from config.settings import load_settings

    settings = load_settings(env)
    fresh: dict[str, str] = {}

    for database in DATABASES:
        dsn = urlsplit(database_dsn(settings, database))
        name = f"bench_{database}"
        conn = await asyncpg.connect(urlunsplit(dsn._replace(path="/postgres")))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        fresh[f"MARKETPLACE_{database.upper()}_DB_DSN"] = urlunsplit(dsn._replace(path=f"/{name}"))
    return fresh


async def _start(profile: str) -> tuple[list[subprocess.Popen[bytes]], subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_") or profile == "infra"}
    port = free_port()
    env.update(
        MARKETPLACE_PROFILE=profile,
        MARKETPLACE_PORT=str(port),
        MARKETPLACE_LOG_LEVEL="WARNING",
        MARKETPLACE_ARGON2_TIME_COST="1",  # the customers' logins are not what is measured here
        MARKETPLACE_ARGON2_MEMORY_KIB="8192",
    )
    helpers: list[subprocess.Popen[bytes]] = []
    if profile == "infra":
        gateway, carrier = free_port(), free_port()
        env.update(
            MARKETPLACE_PAYMENT_GATEWAY_URL=f"http://127.0.0.1:{gateway}",
            MARKETPLACE_LOGISTICS_API_URL=f"http://127.0.0.1:{carrier}",
        )
        env.update(await _fresh_databases(env))
        subprocess.run([*CLI, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603, ASYNC221
        for kind, sandbox_port in (("payments", gateway), ("logistics", carrier)):
            helpers.append(subprocess.Popen([*CLI, "sandbox", kind, "--port", str(sandbox_port)], env=env))  # noqa: S603, ASYNC220
    server = subprocess.Popen([*CLI, "run", "--demo"], env=env)  # noqa: S603, ASYNC220
    return helpers, server, f"http://127.0.0.1:{port}"


async def main(profile: str, customers: int, concurrency: int) -> None:
    helpers, server, base = await _start(profile)
    await wait_ready(base, server)
    api = f"{base}/api/v1"
    run_id = uuid.uuid4().hex[:6]
    rng = random.Random(7)  # a reproducible workload
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def call(method: str, path: str, token: str = "", body: Any = None, **headers: str) -> Any:
            if token:
                headers["Authorization"] = f"Bearer {token}"
            async with http.request(method, f"{api}{path}", json=body, headers=headers) as r:
                data = await r.json() if r.content_type.endswith("json") else None
                if r.status == 404 and path == "/me/addresses":
                    raise NoProfileYet
                if r.status >= 300:
                    raise RuntimeError(f"{method} {path}: {r.status} {data}")
                return data

        products: list[str] = []
        for _ in range(1200):  # the demo catalogue fills in the background: measure once it is all there
            found = await call("GET", "/search/products?in_stock=true&limit=100")
            # Well stocked ones: the benchmark measures checkouts, not sold-out refusals.
            products = [item["id"] for item in found["items"] if item["available"] >= 50]
            if found["total"] >= DEMO_PRODUCTS:
                break
            await asyncio.sleep(0.1)
        buyers: list[tuple[str, str]] = []

        async def prepare(i: int) -> None:
            email = f"buyer{run_id}-{i}@example.com"
            await call("POST", "/auth/register", body={"email": email, "password": PASSWORD, "display_name": "B"})
            token = (await call("POST", "/auth/login", body={"email": email, "password": PASSWORD}))["token"]
            address = {"recipient": "B", "line1": "Street 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
            for _ in range(100):  # the profile comes with the UserRegistered event (through the outbox on infra)
                try:
                    address_id = (await call("POST", "/me/addresses", token, address))["address_id"]
                    break
                except NoProfileYet:
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

        row = await measure("POST /orders (checkout)", customers, concurrency, check_out)
        placed_at = time.perf_counter()
        pending = list(orders)
        statuses: dict[str, int] = {}
        while pending and time.perf_counter() - placed_at < 120:
            views = await asyncio.gather(*(call("GET", f"/orders/{order_id}", token) for token, order_id in pending))
            pending = [o for o, v in zip(pending, views, strict=True) if v["status"] in ("pending", "awaiting_payment")]
            for view in views:
                statuses[view["status"]] = statuses.get(view["status"], 0) + 1
            if pending:
                await asyncio.sleep(0.05)
        settled_in = time.perf_counter() - placed_at

    rss_mib = peak_rss_mib(server.pid)
    for process in (server, *helpers):
        process.terminate()
        process.wait(10)
    name, total, rate, p50, p95, p99 = row
    print(f"\nprofile={profile} customers={customers} concurrency={concurrency} cores={os.cpu_count()}")
    print(f"{'scenario':26} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    print(f"{name:26} {total:8d} {rate:8.0f} {p50:8.2f} {p95:8.2f} {p99:8.2f}")
    left = f" ({len(pending)} still unpaid)" if pending else ""
    print(f"every saga past payment {settled_in:.2f} s after the last checkout{left}")
    print(f"peak RSS of the server process: {rss_mib:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=["memory", "infra"], default="memory")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(main(args.profile, args.customers, args.concurrency))
