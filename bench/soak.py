"""Soak: the infra profile as separate processes under a steady Online Boutique-style mix, for a long time.

    python -m bench.soak --minutes 30                    # 5 min warm-up, then 25 min measured
    python -m bench.soak --minutes 10 --warmup-minutes 2 --rate 2

Starts the shop as an operator runs it (tests/support/processes.py: `serve`, `consume` with every group,
`work` with the workers, fresh databases, topics, indexes and bucket of its own; the sandbox gateway and
carrier as servers on loopback, the carrier moving each parcel one step a second), builds a catalogue and
its customers through the API (tests/support/shop.py: sellers, published products with stock to spare,
customers with an address), then sends rounds of requests at a STEADY rate, open-loop: a round starts
every 1/``--rate`` s whatever the previous ones are doing, each round one customer's 19 requests spaced
over ``--round-seconds``:

| kind | per round | what |
| --- | ---: | --- |
| browse | 10 | product pages (the card, its reviews, its rating) and the categories, as the customer |
| search | 4 | full-text searches with a filter or a sort, and a suggestion |
| cart | 3 | add two products, take one out again |
| checkout | 1 | place an order of what is left in the cart, paid with the sandbox card ``tok_visa`` |
| review | 1 | review a product the customer bought and received (its parcel delivered) |

Behind the mix, the sellers look at their paid orders every second and mark their lines ready (``fulfil``),
the carrier delivers, and ``REVIEW_AFTER`` seconds after a customer's order shows delivered, its product is
theirs to review (the reviews context hears of the delivery by an event). What a customer buys is new to
them on each visit, so there is always something to review once the first parcels have come.

Every ``--every`` seconds it samples each process's RSS, the outbox backlog (events committed and not
published, per database: ``marketplace_outbox_pending_events`` on `serve`'s /metrics) and the consumer lag
(``marketplace_consumer_lag`` on `consume`'s). At the end it waits for the pipeline to drain, prints the
latency percentiles per kind, each process's RSS growth from the end of the warm-up to the end, the largest
backlog and lag in the first and the second half of the measured time, and (unless ``--no-sizes``) the
databases', index's, Redis's and analytics store's sizes per row, which docs/capacity.md builds on.

It exits non-zero when a request failed (any non-2xx answer or a transport error), a consumer set an event
aside or an outbox gave one up, a process's RSS grew 5 % or more after the warm-up, or the backlog or the
lag trends upward (the second half's largest is over twice the first half's and over ``TREND_FLOOR``).
tests/integration/test_soak.py runs the same code for half a minute. bench/memory_soak.py is the memory
profile's (one process, the expiry of its in-memory stores).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import aiohttp
import attrs
from prometheus_client.parser import text_string_to_metric_families

from adapters.system import SystemClock
from bench.auth_http import percentile, rss_mib
from config.contexts import GROUPS
from config.settings import Settings, load_settings
from entrypoints.cli import OUTBOX_RELAY
from entrypoints.cli import WORKERS as ALL_WORKERS
from tests.support.http import ApiClient
from tests.support.processes import REDIS_DB, Api, Marketplace, cli, infra_env
from tests.support.sandboxes import SandboxServers, free_port
from tests.support.shop import ShopBuilder

ROOT = Path(__file__).resolve().parent.parent
# One round of the mix, in the order a customer's visit makes them (10 browse, 4 search, 3 cart, 1 checkout,
# 1 review): the cart's two adds and one removal come before the checkout that buys what is left.
ROUND = (
    *("card", "search", "card", "add", "reviews", "search", "card", "add-more", "rating", "card"),
    *("search", "remove", "card", "categories", "suggest", "card", "checkout", "card", "review"),
)
KIND = {
    "card": "browse",
    "reviews": "browse",
    "rating": "browse",
    "categories": "browse",
    "search": "search",
    "suggest": "search",
    "add": "cart",
    "add-more": "cart",
    "remove": "cart",
    "checkout": "checkout",
    "review": "review",
}
KINDS = ("browse", "search", "cart", "checkout", "review", "fulfil")
# `serve` relays the outbox itself; the sagas run on the built-in engine (its sweeper, not Temporal's worker).
WORKERS = [name for name in ALL_WORKERS if name not in (OUTBOX_RELAY, "saga-worker")]
NOUNS = ("teapot", "lamp", "chair", "mug", "desk", "kettle", "vase", "stool", "blanket", "clock")
ADJECTIVES = ("blue", "oak", "steel", "linen", "green", "copper")
STOCK = 1_000_000  # the soak measures the shop running, not sold-out refusals
PRICE = 1900
GROWTH_LIMIT = 5.0  # % of RSS after the warm-up
# A customer reviews a while after the parcel came: the reviews context hears of the delivery by an event.
REVIEW_AFTER = 10.0
TREND_FLOOR = 50  # events: a backlog or lag below this is noise, whatever the halves say


@attrs.define
class Shop:
    """The running shop: its processes by name, where the API answers, where each process's /metrics is."""

    env: dict[str, str]
    apis: list[Api]  # every `serve`
    processes: dict[str, Marketplace]
    metrics: dict[str, str]  # process name -> its /metrics URL
    sandboxes: SandboxServers

    @property
    def api(self) -> Api:
        return self.apis[0]

    def pids(self) -> dict[str, int]:
        return {name: p.process.pid for name, p in self.processes.items() if p.process is not None}

    def alive(self) -> dict[str, bool]:
        return {name: p.process is not None and p.process.poll() is None for name, p in self.processes.items()}


@contextmanager
def running_shop(name: str, every: float, serves: int = 1) -> Iterator[Shop]:
    """``serves`` `serve` processes ("serve", "serve-2"...), `consume` (every group) and `work` on the infra
    profile, each an OS process, with /metrics refreshed every ``every`` seconds (at most 1 s apart);
    everything dropped afterwards."""
    ports = [free_port() for _ in range(serves)]
    sandboxes = SandboxServers(app_port=ports[0], slow_seconds=2.0, carrier_step_seconds=1.0)
    refresh = str(min(every, 1.0))
    with infra_env(
        name, sandboxes, MARKETPLACE_SHIPMENT_POLL_SECONDS="1", MARKETPLACE_METRICS_REFRESH_SECONDS=refresh
    ) as env:
        # The analytics group batches as it does in production (infra_env writes each fetch at once, for tests
        # that read the figures straight after): per-event inserts would be half of `consume`'s CPU.
        env["MARKETPLACE_ANALYTICS_BATCH_SECONDS"] = str(Settings().analytics_batch_seconds)
        sandboxes.start(load_settings(env), SystemClock())
        consume_port, work_port = free_port(), free_port()
        apis = {"serve" if n == 0 else f"serve-{n + 1}": Api(env, "serve", port) for n, port in enumerate(ports)}
        processes: dict[str, Marketplace] = {
            "consume": Marketplace(env, "consume", *GROUPS, "--metrics-port", str(consume_port)),
            "work": Marketplace(env, "work", *WORKERS, "--metrics-port", str(work_port)),
            **apis,
        }
        metrics = {
            **{name: f"{api.base_url}/metrics" for name, api in apis.items()},
            "consume": f"http://127.0.0.1:{consume_port}/metrics",
            "work": f"http://127.0.0.1:{work_port}/metrics",
        }
        try:
            cli(env, "migrate")
            for process in processes.values():
                process.start()
            yield Shop(env, list(apis.values()), processes, metrics, sandboxes)
        finally:
            for process in processes.values():
                process.stop()
            sandboxes.stop()


@attrs.frozen
class Catalogue:
    products: list[str]
    customers: list[tuple[str, str]]  # (token, address id)
    sellers: list[str]  # tokens


def build_catalogue(shop: Shop, products: int, customers: int, sellers: int = 3) -> Catalogue:
    """Sellers with ``products`` published products, and ``customers`` with an address, through the API
    (a few at a time: each waits for what comes by events, a publication or a profile)."""
    builder = ShopBuilder(
        ApiClient(shop.api.base_url), lambda email: cli(shop.env, "set-roles", email, "admin"), "soak.example"
    )
    builder.admin()
    with ThreadPoolExecutor(8) as pool:
        seller_tokens = list(pool.map(builder.seller, [f"seller{n}" for n in range(sellers)]))

        def product(n: int) -> str:
            title = f"{ADJECTIVES[n % len(ADJECTIVES)]} {NOUNS[n // len(ADJECTIVES) % len(NOUNS)]} {n}"
            return builder.product(seller_tokens[n % sellers], title, PRICE + n, STOCK)

        product_ids = list(pool.map(product, range(products)))
        buyers = list(pool.map(builder.customer, [f"customer{n}" for n in range(customers)]))
    return Catalogue(product_ids, buyers, seller_tokens)


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """``seconds``, or less when ``stop`` is set meanwhile."""
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


@attrs.define
class Sample:
    at: float  # seconds since the start of the load
    rss: dict[str, float]  # MiB by process
    cpu: dict[str, float]  # CPU seconds used so far (user and system), by process
    backlog: dict[str, float]  # pending outbox events by database
    lag: dict[str, float]  # records behind, by consumer group
    dead: float  # events set aside: dead outbox rows and dead letters

    @property
    def total_backlog(self) -> float:
        return sum(self.backlog.values())

    @property
    def total_lag(self) -> float:
        return sum(self.lag.values())


def cpu_seconds(pid: int) -> float:
    """The CPU time ``pid`` has used (user and system): /proc/<pid>/stat's utime and stime."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sample(http: aiohttp.ClientSession, shop: Shop, at: float) -> Sample:
    """Each process's RSS, and what its /metrics says of the outbox backlog and the consumers' lag."""
    rss = {name: rss_mib(pid) for name, pid in shop.pids().items()}
    cpu = {name: cpu_seconds(pid) for name, pid in shop.pids().items()}
    backlog: dict[str, float] = {}
    lag: dict[str, float] = defaultdict(float)
    dead = 0.0
    for url in shop.metrics.values():
        try:
            async with http.get(url) as r:
                text = await r.text()
        except aiohttp.ClientError:
            continue  # a process away for a moment: the next sample tells
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == "marketplace_outbox_pending_events":
                    # Every process that relays a database shows its backlog: the largest is the one.
                    backlog[s.labels["database"]] = max(backlog.get(s.labels["database"], 0.0), s.value)
                elif s.name == "marketplace_consumer_lag":
                    lag[s.labels["group"]] += s.value
                elif s.name in ("marketplace_outbox_dead_events", "marketplace_consumer_dead_letters_total"):
                    dead += s.value
    return Sample(at, rss, cpu, backlog, dict(lag), dead)


@attrs.define
class Traffic:
    """The customers' requests, timed and counted by kind; any answer but a 2xx is an error."""

    http: aiohttp.ClientSession
    api: str
    catalogue: Catalogue
    latencies: dict[str, list[tuple[float, float]]] = attrs.Factory(lambda: defaultdict(list))  # kind -> (at, s)
    errors: dict[str, int] = attrs.Factory(lambda: defaultdict(int))
    error_samples: list[str] = attrs.Factory(list)
    skipped_reviews: list[float] = attrs.Factory(list)
    orders: dict[str, tuple[int, str]] = attrs.Factory(dict)  # order id -> (customer, product)
    reviewable: deque[tuple[float, int, str]] = attrs.Factory(deque)  # (seen delivered at, customer, product)
    reviewed: set[tuple[int, str]] = attrs.Factory(set)
    started: float = attrs.Factory(time.monotonic)

    async def call(self, kind: str, method: str, path: str, token: str = "", body: Any = None, **headers: str) -> Any:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        begun = time.monotonic()
        try:
            async with self.http.request(method, self.api + path, json=body, headers=headers) as r:
                data = await r.json() if r.content_type.endswith("json") else await r.read()
                status = r.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            data, status = repr(exc), 0
        self.latencies[kind].append((begun - self.started, time.monotonic() - begun))
        if not 200 <= status < 300:
            self.errors[kind] += 1
            if len(self.error_samples) < 20:
                self.error_samples.append(f"{method} {path}: {status} {str(data)[:300]}")
            return None
        return data

    async def round(self, n: int, spacing: float, customer_locks: list[asyncio.Lock]) -> None:
        rng = random.Random(n)  # a reproducible workload
        customers, products = len(self.catalogue.customers), self.catalogue.products
        who, visit = n % customers, n // customers
        token, address_id = self.catalogue.customers[who]
        # What a customer buys is new to them on each visit (while there are more products than visits), so
        # each delivered order gives a review to write: one review per customer and product.
        kept = products[(who + visit) % len(products)]
        dropped = rng.choice([p for p in products if p != kept])
        async with customer_locks[who]:  # one visit of a customer at a time: the cart is theirs
            begun = time.monotonic()
            for i, step in enumerate(ROUND):
                await asyncio.sleep(max(0.0, begun + i * spacing - time.monotonic()))
                await self.step(step, rng, who, token, address_id, kept, dropped)

    async def step(
        self, step: str, rng: random.Random, who: int, token: str, address_id: str, kept: str, dropped: str
    ) -> None:
        kind = KIND[step]
        product = rng.choice(self.catalogue.products)
        if step == "card":
            await self.call(kind, "GET", f"/products/{product}", token)
        elif step == "reviews":
            await self.call(kind, "GET", f"/products/{product}/reviews?limit=10")
        elif step == "rating":
            await self.call(kind, "GET", f"/products/{product}/rating")
        elif step == "categories":
            await self.call(kind, "GET", "/categories")
        elif step == "search":
            word = rng.choice((*NOUNS, *ADJECTIVES))
            extra = rng.choice(("", "&in_stock=true", "&sort=price_asc", "&sort=price_desc&in_stock=true"))
            await self.call(kind, "GET", f"/search/products?q={word}&limit=20{extra}", token)
        elif step == "suggest":
            await self.call(kind, "GET", f"/search/suggest?q={rng.choice(NOUNS)[:3]}")
        elif step in ("add", "add-more"):
            item = kept if step == "add" else dropped
            await self.call(kind, "POST", "/cart/items", token, {"product_id": item, "quantity": 1})
        elif step == "remove":
            await self.call(kind, "DELETE", f"/cart/items/{dropped}", token)
        elif step == "checkout":
            body = {"address_id": address_id, "payment_token": "tok_visa"}
            placed = await self.call(kind, "POST", "/orders", token, body, **{"Idempotency-Key": str(uuid.uuid4())})
            if placed is not None:
                self.orders[placed["order_id"]] = (who, kept)
        elif step == "review":
            await self.review()

    async def review(self) -> None:
        if not self.reviewable or self.reviewable[0][0] > time.monotonic() - REVIEW_AFTER:
            self.skipped_reviews.append(time.monotonic() - self.started)  # nothing received yet (the warm-up)
            return
        _, who, product = self.reviewable.popleft()
        token, _ = self.catalogue.customers[who]
        body = {"rating": 1 + who % 5, "title": "Does what it says", "text": "Arrived well packed, works as described."}
        await self.call("review", "POST", f"/products/{product}/reviews", token, body)

    async def fulfil(self, stop: asyncio.Event, every: float = 1.0) -> None:
        """The sellers: each looks at their paid orders and marks their lines ready; the orders delivered
        since make their products reviewable by the buyer."""
        marked: set[tuple[int, str]] = set()
        delivered: set[str] = set()
        while not stop.is_set():
            for s, token in enumerate(self.catalogue.sellers):
                paid = await self.call("fulfil", "GET", "/seller/orders?status=paid&limit=100", token)
                for order in (paid or {}).get("items", []):
                    if (s, order["order_id"]) not in marked and not order["ready_to_ship"]:
                        marked.add((s, order["order_id"]))
                        await self.call("fulfil", "POST", f"/seller/orders/{order['order_id']}/ready", token)
                done = await self.call("fulfil", "GET", "/seller/orders?status=delivered&limit=100", token)
                for order in (done or {}).get("items", []):
                    if order["order_id"] in self.orders and order["order_id"] not in delivered:
                        delivered.add(order["order_id"])
                        who, product = self.orders[order["order_id"]]
                        if (who, product) not in self.reviewed:  # one review per customer and product
                            self.reviewed.add((who, product))
                            self.reviewable.append((time.monotonic(), who, product))
            await pause(stop, every)


@attrs.frozen
class Report:
    seconds: float
    warmup: float
    rate: float
    latencies: dict[str, list[tuple[float, float]]]
    errors: dict[str, int]
    error_samples: list[str]
    skipped_reviews: int  # after the warm-up
    samples: list[Sample]
    drained_in: float | None  # seconds after the load until backlog and lag were 0; None: they were not
    alive: dict[str, bool]
    sizes: list[str] = attrs.field(factory=list)

    @property
    def measured(self) -> list[Sample]:
        return [s for s in self.samples if self.warmup <= s.at <= self.seconds]

    def growth(self) -> dict[str, tuple[float, float, float]]:
        """RSS by process: (after the warm-up, at the end, growth %)."""
        first, last = self.measured[0], self.measured[-1]
        return {
            name: (first.rss[name], last.rss[name], 100 * (last.rss[name] / first.rss[name] - 1))
            for name in first.rss
            if name in last.rss
        }

    def cpu_per_round(self) -> dict[str, float]:
        """CPU milliseconds each process spent per round of the mix (its 19 requests and everything they set
        off: events, sagas, the sellers' fulfilment), between the end of the warm-up and the end: what
        docs/capacity.md scales from. CPU time, not wall time: it holds on a machine shared with others."""
        first, last = self.measured[0], self.measured[-1]
        rounds = self.rate * (last.at - first.at)
        return {name: 1000 * (last.cpu[name] - first.cpu[name]) / rounds for name in first.cpu if name in last.cpu}

    def halves(self, of: str) -> tuple[float, float]:
        """The largest total backlog (or lag) in the first and in the second half of the measured time."""
        middle = (self.warmup + self.seconds) / 2
        values = [(s.at, s.total_backlog if of == "backlog" else s.total_lag) for s in self.measured]
        first = max((v for at, v in values if at < middle), default=0.0)
        second = max((v for at, v in values if at >= middle), default=0.0)
        return first, second

    @staticmethod
    def trends_up(first: float, second: float) -> bool:
        return second > 2 * first and second > TREND_FLOOR

    @property
    def dead(self) -> float:
        return max((s.dead for s in self.samples), default=0.0)

    def failures(self, *, check_growth: bool = True) -> list[str]:
        found = []
        if sum(self.errors.values()):
            found.append(f"{sum(self.errors.values())} requests failed")
        if self.dead:
            found.append(f"{self.dead:.0f} events set aside (dead outbox rows or dead letters)")
        for name, (_, _, growth) in self.growth().items() if check_growth else ():
            if growth >= GROWTH_LIMIT:
                found.append(f"{name}'s RSS grew {growth:.1f} % after the warm-up")
        for what in ("backlog", "lag"):
            if self.trends_up(*self.halves(what)):
                found.append(f"the {what} trends upward: {self.halves(what)}")
        if not all(self.alive.values()):
            found.append(f"a process died: {self.alive}")
        return found

    def print(self) -> None:
        measured = self.seconds - self.warmup
        print(
            f"\nsoak: {self.seconds / 60:.1f} min at {self.rate:g} rounds/s ({self.rate * len(ROUND):g} req/s of the "
            f"mix), warm-up {self.warmup / 60:.1f} min, measured {measured / 60:.1f} min; cores={os.cpu_count()}"
        )
        print(f"{'kind':10} {'requests':>8} {'errors':>6} {'req/s':>6}", end="")
        print(f" {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
        for kind in KINDS:
            after = [s * 1000 for at, s in self.latencies.get(kind, []) if self.warmup <= at]
            if not after:
                continue
            print(
                f"{kind:10} {len(after):8d} {self.errors.get(kind, 0):6d} {len(after) / measured:6.1f} "
                + " ".join(f"{percentile(after, p):7.1f}" for p in (50, 95, 99))
                + f" {max(after):7.1f}"
            )
        print(
            f"errors over the whole run (warm-up too): {dict(self.errors) or 0}; reviews skipped after the warm-up "
            f"(nothing received yet): {self.skipped_reviews}"
        )
        for line in self.error_samples:
            print(f"  {line}")
        cpu = self.cpu_per_round()
        print(
            f"\n{'process':10} {'RSS after warm-up MiB':>22} {'RSS at the end MiB':>19} {'growth %':>9}"
            f" {'CPU ms/round':>13}"
        )
        for name, (first, last, growth) in self.growth().items():
            print(f"{name:10} {first:22.1f} {last:19.1f} {growth:+9.1f} {cpu.get(name, 0):13.1f}")
        names = " ".join(f"{name + ' MiB':>13}" for name in self.samples[0].rss)
        print(f"\n{'minute':>6} {names} {'backlog max':>11} {'lag max':>8}")
        for minute in range(int(self.seconds // 60) + 1):
            within = [s for s in self.samples if minute * 60 <= s.at < (minute + 1) * 60 and s.at <= self.seconds]
            if within:
                rss = " ".join(f"{within[-1].rss.get(name, 0):13.1f}" for name in self.samples[0].rss)
                backlog, lag = max(s.total_backlog for s in within), max(s.total_lag for s in within)
                mark = "  <- warm-up" if (minute + 1) * 60 <= self.warmup else ""
                print(f"{minute:6d} {rss} {backlog:11.0f} {lag:8.0f}{mark}")
        print(f"\n{'':24} {'first half max':>15} {'second half max':>16}")
        for what, label in (("backlog", "outbox backlog (events)"), ("lag", "consumer lag (records)")):
            first, second = self.halves(what)
            print(f"{label:24} {first:15.0f} {second:16.0f}{'  TRENDS UP' if self.trends_up(first, second) else ''}")
        groups = sorted(
            {g for s in self.measured for g in s.lag}, key=lambda g: -max(s.lag.get(g, 0) for s in self.measured)
        )
        print(
            "largest lag by group: "
            + ", ".join(f"{g} {max(s.lag.get(g, 0) for s in self.measured):.0f}" for g in groups[:6])
        )
        drained = "not within the wait" if self.drained_in is None else f"{self.drained_in:.1f} s"
        print(f"events set aside: {self.dead:.0f}; backlog and lag back to 0 after the load: {drained}")
        print(f"processes alive at the end: {self.alive}")
        if self.sizes:
            print()
            for line in self.sizes:
                print(line)


async def soak(
    shop: Shop,
    catalogue: Catalogue,
    seconds: float,
    warmup: float,
    rate: float,
    every: float,
    round_seconds: float,
    drain_seconds: float = 60,
) -> Report:
    """``rate`` rounds a second for ``seconds`` (the first ``warmup`` of them not measured), sampled every
    ``every`` seconds; then until the backlog and the lag are 0 (at most ``drain_seconds``)."""
    spacing = round_seconds / len(ROUND)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:
        traffic = Traffic(http, f"{shop.api.base_url}/api/v1", catalogue)
        samples: list[Sample] = []
        stop = asyncio.Event()

        async def sampler() -> None:
            while not stop.is_set():
                samples.append(await sample(http, shop, time.monotonic() - traffic.started))
                await pause(stop, every)

        sampling = asyncio.create_task(sampler())
        fulfilment = asyncio.create_task(traffic.fulfil(stop))
        locks = [asyncio.Lock() for _ in catalogue.customers]
        rounds: set[asyncio.Task[None]] = set()
        n = 0
        while (due := n / rate) < seconds:
            await asyncio.sleep(max(0.0, traffic.started + due - time.monotonic()))
            task = asyncio.create_task(traffic.round(n, spacing, locks))
            rounds.add(task)
            task.add_done_callback(rounds.discard)
            n += 1
        await asyncio.gather(*rounds)
        end = time.monotonic() - traffic.started
        samples.append(await sample(http, shop, end))
        stop.set()
        await asyncio.gather(sampling, fulfilment)
        drained_in = None
        while time.monotonic() - traffic.started - end < drain_seconds:
            last = await sample(http, shop, time.monotonic() - traffic.started)
            if last.total_backlog == 0 and last.total_lag == 0:
                drained_in = last.at - end
                break
            await asyncio.sleep(min(every, 1.0))
    return Report(
        end,
        warmup,
        rate,
        dict(traffic.latencies),
        dict(traffic.errors),
        traffic.error_samples,
        sum(1 for at in traffic.skipped_reviews if at >= warmup),
        samples,
        drained_in,
        shop.alive(),
    )


async def sizes(env: dict[str, str]) -> list[str]:
    """What the soak left in each store, per row where a row is a thing (an order, a user...): the lines
    docs/capacity.md builds on. PostgreSQL: pg_total_relation_size (table, indexes, TOAST) / count(*)."""
    import asyncpg
    import redis.asyncio as aioredis

    lines = [f"{'table':44} {'rows':>8} {'bytes':>11} {'bytes/row':>9}"]
    for key, dsn in sorted(env.items()):
        if not key.endswith("_DB_DSN"):
            continue
        conn = await asyncpg.connect(dsn)
        try:
            tables = await conn.fetch(
                "SELECT schemaname || '.' || relname AS name, pg_total_relation_size(relid) AS bytes"
                " FROM pg_stat_user_tables WHERE relname <> 'schema_migrations' ORDER BY 1"
            )
            for table in tables:
                rows = await conn.fetchval(f"SELECT count(*) FROM {table['name']}")  # noqa: S608 - catalog names
                if rows:
                    database = key.removeprefix("MARKETPLACE_").removesuffix("_DB_DSN").lower()
                    per_row = table["bytes"] / rows
                    lines.append(f"{database + ':' + table['name']:44} {rows:8d} {table['bytes']:11d} {per_row:9.0f}")
        finally:
            await conn.close()
    redis = aioredis.from_url(env["MARKETPLACE_REDIS_URL"])
    try:
        memory = await redis.info("memory")
        keys = await redis.dbsize()
    finally:
        await redis.aclose()
    lines.append(f"redis db {REDIS_DB}: {keys} keys; the server's used_memory {memory['used_memory']} bytes")
    async with aiohttp.ClientSession() as http:
        prefix = env["MARKETPLACE_SEARCH_INDEX_PREFIX"]
        async with http.get(f"{env['MARKETPLACE_ELASTICSEARCH_URL']}/_cat/indices/{prefix}*?format=json&bytes=b") as r:
            for index in await r.json():
                docs, size = int(index["docs.count"]), int(index["store.size"])
                lines.append(
                    f"elasticsearch {index['index']}: {docs} docs, {size} bytes, {size / max(docs, 1):.0f} bytes/doc"
                )
    lines += await topic_sizes(env)
    path = env["MARKETPLACE_ANALYTICS_PATH"]
    lines.append(
        f"analytics (embedded ClickHouse) at {path}: {await asyncio.to_thread(disk_bytes, path)} bytes on disk"
    )
    return lines


async def topic_sizes(env: dict[str, str]) -> list[str]:
    """Records per topic (the partitions' end offsets) and, when the broker is scripts/services's (its log
    folder in this checkout), the bytes of its segments on disk."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    from config.container import topics

    servers = env["MARKETPLACE_KAFKA_BOOTSTRAP_SERVERS"]
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        described = await admin.describe_topics(topics(load_settings(env)))
    finally:
        await admin.close()
    partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=servers)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    data = ROOT / ".services" / "kafka" / "data"
    lines = []
    for topic in sorted({tp.topic for tp in partitions}):
        records = sum(end for tp, end in ends.items() if tp.topic == topic)
        folders = [data / f"{topic}-{tp.partition}" for tp in partitions if tp.topic == topic]
        # The segments (*.log): the indexes beside them are preallocated, their size says nothing.
        size = sum([await asyncio.to_thread(disk_bytes, str(f), ".log") for f in folders if f.is_dir()])
        per = f", {size} bytes on disk, {size / records:.0f} bytes/record" if size and records else ""
        lines.append(f"kafka {topic}: {records} records{per}")
    return lines


def disk_bytes(path: str, suffix: str = "") -> int:
    return sum(
        os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files if f.endswith(suffix)
    )


def run(args: argparse.Namespace) -> Report:
    os.environ.setdefault("TEST_PROCESS_LOGS", tempfile.mkdtemp(prefix="soak-logs-"))
    print(f"the processes' logs: {os.environ['TEST_PROCESS_LOGS']}", file=sys.stderr)
    with running_shop("soak", args.every) as shop:
        began = time.monotonic()
        catalogue = build_catalogue(shop, args.products, args.customers)
        print(f"catalogue built in {time.monotonic() - began:.0f} s; the load starts", file=sys.stderr)
        report = asyncio.run(
            soak(
                shop,
                catalogue,
                args.minutes * 60,
                args.warmup_minutes * 60,
                args.rate,
                args.every,
                args.round_seconds,
            )
        )
        if not args.no_sizes:
            report = attrs.evolve(report, sizes=asyncio.run(sizes(shop.env)))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warmup-minutes", type=float, default=5)
    parser.add_argument("--rate", type=float, default=2, help="rounds started per second (19 requests each)")
    parser.add_argument("--round-seconds", type=float, default=10, help="how long one round's requests are spread")
    parser.add_argument("--every", type=float, default=10, help="seconds between samples")
    parser.add_argument("--products", type=int, default=120)
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--no-sizes", action="store_true", help="skip the sizes of the stores at the end")
    args = parser.parse_args()
    # Stopped (SIGTERM, or SIGINT where a background job ignores it): the processes stop and what the run made
    # is dropped, as at its end.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report = run(args)
    report.print()
    failures = report.failures()
    for failure in failures:
        print(f"FAILED: {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
