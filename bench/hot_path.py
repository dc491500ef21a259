"""Benchmark: the shop's hot reads against bare aiohttp handlers doing the same I/O, in one run.

    python -m bench.hot_path                      # both profiles (infra starts scripts/services)
    python -m bench.hot_path --profile memory     # or infra
    python -m bench.hot_path --seconds 10 --rounds 3 --connections 32

Starts the shop as a user would (``marketplace run --demo``, default settings, the access log on) and,
beside it, ``bench.bare_handlers``: a few-line aiohttp app whose handlers do the same I/O and nothing
else. Both are driven by the same load generator (wrk from Debian, installed here when missing;
``wrk -t1 -cN -dS --latency``), alternating bare and ours ``--rounds`` times per case, so the machine's
drift hits both alike. It prints req/s, p50 and p99 of each, and the ratio of the medians.

Cases and targets (ratio of our req/s to the bare handler's):

| case | bare handler | target |
| --- | --- | ---: |
| card read, memory profile | fixed JSON of the same card | 0.80 |
| the same, a guest followed (X-Cart-Token: each read reports a view) | fixed JSON of the same card | 0.80 |
| card read, infra, cache hit | ONE Redis GET of the card's bytes | 0.80 |
| the same with the near cache off | ONE Redis GET of the card's bytes | (shown) |
| a guest followed, on `marketplace serve` (the view goes to Kafka) | ONE Redis GET of the card's bytes | 0.80 |
| card read, infra, database path | ONE asyncpg query for the product row, ONE for its rating | 0.60 |
| GET /api/v1/me, infra | ONE Redis GET (session) + ONE asyncpg query (account) | 0.60 |
| search with facets, memory | fixed JSON of the same answer | 0.60 |
| search with facets, infra | fixed JSON (ours queries Elasticsearch: see bench.search_elasticsearch) | (shown) |

A card read on infra with the default settings is served from the process's near cache (copies Redis
keeps coherent: ``adapters.redis.near_cache``), so it makes no round trip; the row after it is the same
read on a process started with ``MARKETPLACE_PRODUCT_NEAR_CACHE_ENTRIES=0``, one Redis GET per read. The
database path is measured on a process started with the card cache off
(``MARKETPLACE_PRODUCT_CACHE_TTL_SECONDS=0``): every read then takes it, which no mix of hits and misses on
a cached server can guarantee. The search cases repeat one query: the index keeps its answer until the
next write (``adapters.memory.search.products``). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bench.auth_http import free_port, wait_ready

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "entrypoints.cli"]
DEMO_PRODUCTS = 300
CUSTOMER = {"email": "customer@demo.example", "password": "demo passphrase 2026"}
# A guest with a cart: each card read reports a view (the activity context), as a storefront's would.
GUEST = "X-Cart-Token: bench-guest-cart-token"
# A faceted search a shopper would make: words, a filter, a sort (facets come with every answer).
SEARCH = "/api/v1/search/products?q=wireless&in_stock=true&sort=price_asc&limit=20"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get)", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if found is None:
        raise SystemExit(f"wrk printed a latency this benchmark cannot read: {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def run_wrk(wrk: str, url: str, seconds: float, connections: int, headers: tuple[str, ...] = ()) -> dict[str, float]:
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", url]
    for header in headers:
        command[1:1] = ["-H", header]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if errors or socket_errors:
        raise SystemExit(f"wrk saw errors on {url}:\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
    }


class Case:
    def __init__(self, name: str, ours: str, bare: str, bare_name: str, target: float | None, *headers: str) -> None:
        self.name, self.ours, self.bare, self.bare_name, self.target = name, ours, bare, bare_name, target
        self.headers = headers
        self.runs: dict[str, list[dict[str, float]]] = {"ours": [], "bare": []}

    def measure(self, wrk: str, seconds: float, rounds: int, connections: int) -> None:
        for url in (self.bare, self.ours):  # warm both up: caches, pools, the JIT of the regexes
            run_wrk(wrk, url, 2, connections, self.headers)
        for _ in range(rounds):
            self.runs["bare"].append(run_wrk(wrk, self.bare, seconds, connections, self.headers))
            self.runs["ours"].append(run_wrk(wrk, self.ours, seconds, connections, self.headers))
        print(f"  {self.name}: ours {self.median('ours', 'rps'):.0f} req/s, bare {self.median('bare', 'rps'):.0f}")

    def median(self, who: str, key: str) -> float:
        return statistics.median(r[key] for r in self.runs[who])

    @property
    def ratio(self) -> float:
        return self.median("ours", "rps") / self.median("bare", "rps")


@contextmanager
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def shop_env(profile: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_") or profile == "infra"}
    env.update(MARKETPLACE_PROFILE=profile, **extra)
    return env


def start_shop(
    env: dict[str, str], logs: Path, name: str, *args: str, command: str = "run"
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**env, "MARKETPLACE_PORT": str(port)}
    with open(logs / f"{name}.log", "wb") as log:
        server = subprocess.Popen([*CLI, command, *args], env=env, stdout=log, stderr=log)  # noqa: S603
    return server, f"http://127.0.0.1:{port}"


async def get_json(http: aiohttp.ClientSession, url: str, **kw: Any) -> Any:
    async with http.get(url, **kw) as r:
        if r.status != 200:
            raise SystemExit(f"GET {url}: {r.status} {await r.text()}")
        return await r.json()


async def demo_ready(base: str) -> dict[str, Any]:
    """The demo catalogue fills in the background: wait for all of it, then pick what the cases read."""
    async with aiohttp.ClientSession() as http:
        for _ in range(1200):
            found = await get_json(http, f"{base}/api/v1/search/products?limit=1")
            if found["total"] >= DEMO_PRODUCTS:
                break
            await asyncio.sleep(0.1)
        else:
            raise SystemExit("the demo catalogue did not fill in")
        product_id = found["items"][0]["id"]
        card = await get_json(http, f"{base}/api/v1/products/{product_id}")
        search = await get_json(http, base + SEARCH)
        async with http.post(f"{base}/api/v1/auth/login", json=CUSTOMER) as r:
            token = (await r.json())["token"]
        me = await get_json(http, f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return {"product_id": product_id, "card": card, "search": search, "token": token, "user_id": me["user_id"]}


def start_bare(tmp: Path, facts: dict[str, Any], *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    (tmp / "card.json").write_text(json.dumps(facts["card"]))
    (tmp / "search.json").write_text(json.dumps(facts["search"]))
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "bench.bare_handlers",
        "--port",
        str(port),
        "--card-json",
        str(tmp / "card.json"),
        "--search-json",
        str(tmp / "search.json"),
        *extra,
    ]
    return subprocess.Popen(command, cwd=ROOT), f"http://127.0.0.1:{port}"  # noqa: S603


async def memory_cases(tmp: Path, started: list[subprocess.Popen[bytes]]) -> list[Case]:
    shop, base = start_shop(shop_env("memory"), tmp, "memory", "--demo")
    started.append(shop)
    await wait_ready(base, shop, 60)
    facts = await demo_ready(base)
    bare, bare_base = start_bare(tmp, facts)
    started.append(bare)
    await wait_until_up(f"{bare_base}/fixed/card")
    card = f"{base}/api/v1/products/{facts['product_id']}"
    return [
        Case("card read, memory profile", card, f"{bare_base}/fixed/card", "fixed JSON", 0.80),
        Case("  the same, a guest followed", card, f"{bare_base}/fixed/card", "fixed JSON", 0.80, GUEST),
        Case("search with facets, memory", base + SEARCH, f"{bare_base}/fixed/search", "fixed JSON", 0.60),
    ]


def services_env() -> dict[str, str]:
    subprocess.run([str(ROOT / "scripts/services"), "up"], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts/services"), "env"], check=True, capture_output=True, text=True
    ).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


async def infra_cases(tmp: Path, started: list[subprocess.Popen[bytes]]) -> list[Case]:
    from bench.checkout_http import _fresh_databases
    from core.auth.model import session_id_of

    os.environ.update(services_env())
    env = shop_env("infra")
    env.update(await _fresh_databases(env))
    # Indexes and topics of this run's own, as its databases are: an earlier run's cards are not in them.
    run = uuid.uuid4().hex[:8]
    env["MARKETPLACE_SEARCH_INDEX_PREFIX"] = f"bench{run}"
    env["MARKETPLACE_KAFKA_TOPIC_PREFIX"] = f"bench{run}"
    subprocess.run([*CLI, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603, ASYNC221
    shop, base = start_shop(env, tmp, "infra", "--demo")
    started.append(shop)
    await wait_ready(base, shop, 60)
    facts = await demo_ready(base)
    uncached_base = await variant(env, tmp, started, "infra-uncached", MARKETPLACE_PRODUCT_CACHE_TTL_SECONDS="0")
    far_base = await variant(env, tmp, started, "infra-no-near-cache", MARKETPLACE_PRODUCT_NEAR_CACHE_ENTRIES="0")
    # The HTTP API alone, as deployed behind a balancer: what a followed guest's view costs the request.
    served = await variant(env, tmp, started, "infra-serve", command="serve")

    import redis.asyncio as aioredis

    redis = aioredis.from_url(env["MARKETPLACE_REDIS_URL"])
    card_key = "bench:card"
    await redis.set(card_key, json.dumps(facts["card"], separators=(",", ":")))
    await redis.aclose()
    bare, bare_base = start_bare(
        tmp,
        facts,
        "--redis-url",
        env["MARKETPLACE_REDIS_URL"],
        "--card-key",
        card_key,
        "--session-key",
        "session:" + session_id_of(facts["token"]),
        "--products-dsn",
        env["MARKETPLACE_PRODUCTS_DB_DSN"],
        "--ratings-dsn",
        env["MARKETPLACE_RATINGS_DB_DSN"],
        "--users-dsn",
        env["MARKETPLACE_USERS_DB_DSN"],
        "--product-id",
        facts["product_id"],
        "--user-id",
        facts["user_id"],
    )
    started.append(bare)
    await wait_until_up(f"{bare_base}/redis/card")
    card = f"/api/v1/products/{facts['product_id']}"
    bearer = f"Authorization: Bearer {facts['token']}"
    cases = [
        Case("card read, infra, cache hit", base + card, f"{bare_base}/redis/card", "one Redis GET", 0.80),
        Case("  a guest followed (serve)", f"{served}{card}", f"{bare_base}/redis/card", "one Redis GET", 0.80, GUEST),
        Case("  the same, no near cache", f"{far_base}{card}", f"{bare_base}/redis/card", "one Redis GET", None),
        Case(
            "card read, infra, database", f"{uncached_base}{card}", f"{bare_base}/pg/card", "two asyncpg queries", 0.60
        ),
        Case("GET /me, infra", f"{base}/api/v1/me", f"{bare_base}/io/me", "Redis GET + asyncpg query", 0.60, bearer),
        Case("search with facets, infra", base + SEARCH, f"{bare_base}/fixed/search", "fixed JSON", None),
    ]
    return [c for c in cases if not c.ours.startswith("None")]


async def variant(
    env: dict[str, str],
    tmp: Path,
    started: list[subprocess.Popen[bytes]],
    name: str,
    command: str = "run",
    **settings: str,
) -> str | None:
    """A second shop process on the same databases (``marketplace run``, or ``command``), with
    ``settings``; None (its cases are left out) when this version of the shop does not know them (an
    older checkout, measured for a before-and-after)."""
    shop, base = start_shop({**env, **settings}, tmp, name, command=command)
    started.append(shop)
    try:
        await wait_ready(base, shop, 60)
    except SystemExit:
        print(f"  {name}: this version refuses {settings} (see {tmp / name}.log): its cases are left out")
        return None
    return base


async def wait_until_up(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url) as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def print_table(cases: list[Case], seconds: float, rounds: int, connections: int) -> None:
    print(
        f"\nwrk -t1 -c{connections} -d{seconds:g}s, {rounds} alternating rounds per case, medians; "
        f"cores={os.cpu_count()}"
    )
    header = f"{'case':32} {'ours req/s':>10} {'p50 ms':>7} {'p99 ms':>7}   {'bare handler':26} {'req/s':>7} "
    print(header + f"{'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'target':>6}")
    for c in cases:
        mark = "" if c.target is None else "ok" if c.ratio >= c.target else "BELOW"
        print(
            f"{c.name:32} {c.median('ours', 'rps'):10.0f} {c.median('ours', 'p50'):7.2f} {c.median('ours', 'p99'):7.2f}"
            f"   {c.bare_name:26} {c.median('bare', 'rps'):7.0f} {c.median('bare', 'p50'):7.2f} "
            f"{c.median('bare', 'p99'):7.2f} {c.ratio:6.2f} {'' if c.target is None else f'{c.target:.2f}':>6} {mark}"
        )


async def main(profiles: list[str], seconds: float, rounds: int, connections: int) -> None:
    wrk = ensure_wrk()
    cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="hot-path-") as folder:
        tmp = Path(folder)
        for profile in profiles:
            with processes() as started:
                found = await (memory_cases if profile == "memory" else infra_cases)(tmp, started)
                print(f"{profile}: measuring {len(found)} cases")
                for case in found:
                    await asyncio.to_thread(case.measure, wrk, seconds, rounds, connections)
                cases += found
    print_table(cases, seconds, rounds, connections)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=["memory", "infra", "all"], default="all")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    chosen = ["memory", "infra"] if args.profile == "all" else [args.profile]
    asyncio.run(main(chosen, args.seconds, args.rounds, args.connections))
