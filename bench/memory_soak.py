"""Soak: does a long-running memory-profile server hold its memory flat under a mixed load?

    python -m bench.memory_soak                          # 90 s warm-up, then 180 s measured
    python -m bench.memory_soak --warmup 120 --duration 600

Starts ``marketplace run --demo`` on the memory profile (as the README's first command does), with the times to
live of what expires shortened to one minute (sessions, guest carts, login-failure windows, the consumers'
processed-event ids), so that within the warm-up every kind of entry that should expire has started to.
Then ``--clients`` shoppers loop, each round: log in (a new session), browse (a search, three cards), fill
a guest cart, add to and take from their own cart, and one round in ``--checkout-every`` check out (an
order, its payment at the in-process sandbox gateway, a parcel at the sandbox carrier, the sagas), and
now and then log out.

It prints the server's RSS every ``--every`` seconds, and at the end the growth from the end of the
warm-up to the end of the run. Orders, payments and parcels are the shop's data and grow with every
checkout, as they would in a database; the figure to read is the growth beside that. The target is a
growth under 10 %. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from bench.auth_http import rss_mib, wait_ready
from bench.hot_path import demo_ready, processes, shop_env, start_shop
from tests.support.settings import UNLIMITED

PASSWORD = "a soaking shopper's passphrase"  # noqa: S105 - a benchmark account
TTL = "60"
ADDRESS = {"recipient": "S", "line1": "Street 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
WORDS = ["tea", "lamp", "chair", "blue", "wooden", "mug", "steel", "green", "desk", "book"]


class Shop:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.api = http, f"{base}/api/v1"
        self.counts: dict[str, int] = {}

    async def call(self, method: str, path: str, token: str = "", body: Any = None, **headers: str) -> Any:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        async with self.http.request(method, f"{self.api}{path}", json=body, headers=headers) as r:
            data = await r.json() if r.content_type.endswith("json") else None
            key = f"{method} {path.split('?')[0].split('/')[1]} {r.status}"
            self.counts[key] = self.counts.get(key, 0) + 1
            return r.status, data


async def shopper(shop: Shop, n: int, run: str, products: list[str], stop: float, checkout_every: int) -> None:
    rng = random.Random(n)  # a reproducible workload
    email = f"soak{run}-{n}@example.com"
    await shop.call("POST", "/auth/register", body={"email": email, "password": PASSWORD, "display_name": "S"})
    address_id = None
    turn = 0
    while time.monotonic() < stop:
        turn += 1
        status, login = await shop.call("POST", "/auth/login", body={"email": email, "password": PASSWORD})
        if status != 200:
            await asyncio.sleep(0.1)
            continue
        token = login["token"]
        if address_id is None:
            status, added = await shop.call("POST", "/me/addresses", token, ADDRESS)
            address_id = added["address_id"] if status == 201 else None
        await shop.call("GET", f"/search/products?q={rng.choice(WORDS)}&limit=20")
        for product_id in rng.sample(products, 3):
            await shop.call("GET", f"/products/{product_id}")
        status, guest = await shop.call("POST", "/cart/guest")
        if status == 201:
            cart = {"X-Cart-Token": guest["cart_token"]}
            await shop.call("POST", "/cart/items", body={"product_id": rng.choice(products), "quantity": 1}, **cart)
        product_id = rng.choice(products)
        await shop.call("POST", "/cart/items", token, {"product_id": product_id, "quantity": 1})
        if address_id is not None and turn % checkout_every == 0:
            body = {"address_id": address_id, "payment_token": "tok_visa"}
            await shop.call("POST", "/orders", token, body, **{"Idempotency-Key": str(uuid.uuid4())})
        else:
            await shop.call("DELETE", f"/cart/items/{product_id}", token)
        if turn % 4 == 0:
            await shop.call("POST", "/auth/logout", token)


async def main(warmup: float, duration: float, clients: int, checkout_every: int, every: float) -> None:
    env = shop_env(
        "memory",
        MARKETPLACE_LOG_LEVEL="WARNING",
        MARKETPLACE_ARGON2_TIME_COST="1",  # logins are part of the mix, not what is measured
        MARKETPLACE_ARGON2_MEMORY_KIB="8192",
        MARKETPLACE_SESSION_TTL_SECONDS=TTL,
        MARKETPLACE_CART_GUEST_TTL_SECONDS=TTL,
        MARKETPLACE_RATE_LIMITS=UNLIMITED,  # every shopper comes from this one address
        MARKETPLACE_LOGIN_FAILURE_WINDOW_SECONDS=TTL,
        MARKETPLACE_INBOX_RETENTION_SECONDS=TTL,
    )
    logs = Path(os.environ.get("TMPDIR", "/tmp"))  # noqa: S108 - the server's log, for a look after a run
    with processes() as started:
        server, base = start_shop(env, logs, "memory_soak", "--demo")
        started.append(server)
        await wait_ready(base, server)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as http:
            shop = Shop(http, base)
            await demo_ready(base)
            _, found = await shop.call("GET", "/search/products?in_stock=true&limit=100")
            products = [item["id"] for item in found["items"]]
            begun = time.monotonic()
            stop = begun + warmup + duration
            run = uuid.uuid4().hex[:6]
            load = asyncio.gather(*(shopper(shop, n, run, products, stop, checkout_every) for n in range(clients)))
            samples: list[tuple[float, float]] = []
            print(f"{'seconds':>8} {'RSS MiB':>8}  (warm-up {warmup:.0f} s, measured {duration:.0f} s)")
            while not load.done():
                elapsed = time.monotonic() - begun
                samples.append((elapsed, rss_mib(server.pid)))
                first_after_warmup = elapsed >= warmup and (len(samples) == 1 or samples[-2][0] < warmup)
                print(
                    f"{elapsed:8.0f} {samples[-1][1]:8.1f}{'  <- the end of the warm-up' if first_after_warmup else ''}"
                )
                await asyncio.wait([load], timeout=every)
            await load
            end = rss_mib(server.pid)
    after_warmup = next(rss for elapsed, rss in samples if elapsed >= warmup)
    requests = sum(shop.counts.values())
    orders = sum(count for key, count in shop.counts.items() if key.startswith("POST orders 2"))
    print(f"\nrequests: {requests} in {warmup + duration:.0f} s; orders placed: {orders}")
    for key in sorted(shop.counts):
        print(f"  {key:32} {shop.counts[key]:8d}")
    print(
        f"RSS after warm-up {after_warmup:.1f} MiB, at the end {end:.1f} MiB: "
        f"growth {100 * (end / after_warmup - 1):+.1f} %"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=float, default=90)
    parser.add_argument("--duration", type=float, default=180)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--checkout-every", type=int, default=10, help="one round in N checks out")
    parser.add_argument("--every", type=float, default=15, help="seconds between RSS samples")
    args = parser.parse_args()
    asyncio.run(main(args.warmup, args.duration, args.clients, args.checkout_every, args.every))
