"""Scale-out: the hot reads with 1 and 2 `serve` processes behind the edge, and checkout with 1 and 2
consumer processes per group, on this machine, in one run.

    python -m bench.scale_out                                 # reads, then checkouts
    python -m bench.scale_out --seconds 10 --rounds 3 --connections 32 --customers 200
    python -m bench.scale_out --no-checkout                   # the reads only

Reads: the shop runs on the infra profile as separate processes (bench.soak.running_shop: two `serve`,
`consume`, `work`; a catalogue built through the API), behind the edge of deploy/nginx, which
``scripts/services up nginx`` (re)starts with the upstream list of each topology (SERVICES_NGINX_UPSTREAMS).
wrk (``wrk -t1 -cN -dS --latency``, as bench.hot_path) loads through the edge a product page (the card,
as a guest) and a search (words, a filter, a sort, with facets), with 1 and then 2 `serve` upstreams, and,
as the baseline, the same with 1 and 2 bare aiohttp processes (bench.bare_handlers: the same JSON, fixed)
behind the same edge: what the machine, nginx and wrk allow two processes of nothing at all. Each
topology is measured ``--rounds`` times, the topologies alternating, and the medians printed with the
ratio of 2 to 1. The edge is put back on its configured upstreams at the end.

Checkout: bench.checkout_http's ``--split 1,2`` (N `serve` and N `consume` processes with every group, one
`work`): checkouts accepted per second and orders paid per second with 1 and 2 consumer processes per
group, and the ratio.

The machine's cores are shared by the shop, PostgreSQL, Redis, Kafka, Elasticsearch, nginx and wrk: read the
ratios, measured in the same run, not the absolute figures. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp

from bench import checkout_http
from bench.hot_path import ROOT, ensure_wrk, get_json, processes, run_wrk, start_bare, wait_until_up
from bench.soak import build_catalogue, running_shop

SERVICES = str(ROOT / "scripts" / "services")
SEARCH = "/api/v1/search/products?q=teapot&in_stock=true&sort=price_asc&limit=20"
CASES = ("product page", "search")


def edge(upstreams: list[str]) -> str:
    """The edge (scripts/services's nginx) in front of ``upstreams`` (base URLs); its URL."""
    servers = " ".join(url.removeprefix("http://") for url in upstreams)
    env = {**os.environ, "SERVICES_NGINX_UPSTREAMS": servers}
    started = subprocess.run([SERVICES, "up", "nginx"], env=env, capture_output=True, text=True)  # noqa: S603
    if started.returncode:
        raise SystemExit(f"the edge did not start:\n{started.stderr}")
    out = subprocess.run([SERVICES, "env", "nginx"], env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)["SERVICES_EDGE_URL"]


@contextmanager
def restored_edge() -> Iterator[None]:
    try:
        yield
    finally:
        subprocess.run([SERVICES, "up", "nginx"], check=False, capture_output=True)  # noqa: S603


def measure_reads(seconds: float, rounds: int, connections: int) -> dict[str, dict[str, list[dict[str, float]]]]:
    """topology -> case -> one wrk result per round."""
    wrk = ensure_wrk()
    runs: dict[str, dict[str, list[dict[str, float]]]] = {}
    with (
        running_shop("scale", every=5.0, serves=2) as shop,
        processes() as bare_processes,
        tempfile.TemporaryDirectory(prefix="scale-out-") as folder,
        restored_edge(),
    ):
        catalogue = build_catalogue(shop, products=40, customers=0)
        product = catalogue.products[0]

        async def facts() -> dict[str, object]:
            async with aiohttp.ClientSession() as http:
                card = await get_json(http, f"{shop.api.base_url}/api/v1/products/{product}")
                for _ in range(300):  # the catalogue reaches the index by events
                    search = await get_json(http, shop.api.base_url + SEARCH)
                    if search["total"] >= 3:
                        break
                    await asyncio.sleep(0.1)
            return {"card": card, "search": search}

        found = asyncio.run(facts())
        bares = [start_bare(Path(folder), found) for _ in range(2)]
        bare_processes.extend(process for process, _ in bares)
        for _, base in bares:
            asyncio.run(wait_until_up(f"{base}/fixed/card"))
        topologies = {
            "1 serve": ([shop.apis[0].base_url], f"/api/v1/products/{product}", SEARCH),
            "2 serve": ([api.base_url for api in shop.apis], f"/api/v1/products/{product}", SEARCH),
            "1 bare": ([bares[0][1]], "/fixed/card", "/fixed/search"),
            "2 bare": ([base for _, base in bares], "/fixed/card", "/fixed/search"),
        }
        for n in range(rounds + 1):  # the first round warms up (caches, pools, connections): not kept
            for topology, (upstreams, card, search) in topologies.items():
                url = edge(upstreams)
                for case, path in zip(CASES, (card, search), strict=True):
                    result = run_wrk(wrk, url + path, seconds if n else 2, connections)
                    if n:
                        runs.setdefault(topology, {}).setdefault(case, []).append(result)
                        print(f"  round {n} {topology:8} {case:13} {result['rps']:7.0f} req/s", file=sys.stderr)
    return runs


def print_reads(runs: dict[str, dict[str, list[dict[str, float]]]], seconds: float, connections: int) -> None:
    def median(topology: str, case: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[topology][case])

    rounds = len(runs["1 serve"]["search"])
    print(
        f"\nreads through the edge (nginx, deploy/nginx): wrk -t1 -c{connections} -d{seconds:g}s, {rounds} rounds, "
        f"medians; cores={os.cpu_count()}"
    )
    print(f"{'case':13} {'upstreams':9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'2/1':>6}")
    for case in CASES:
        for kind in ("serve", "bare"):
            for n in (1, 2):
                topology = f"{n} {kind}"
                ratio = median(topology, case, "rps") / median(f"1 {kind}", case, "rps")
                print(
                    f"{case:13} {topology:9} {median(topology, case, 'rps'):7.0f} {median(topology, case, 'p50'):7.2f}"
                    f" {median(topology, case, 'p99'):7.2f} {f'{ratio:.2f}' if n == 2 else '':>6}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--customers", type=int, default=200, help="checkouts per topology")
    parser.add_argument("--no-checkout", action="store_true")
    parser.add_argument("--no-reads", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TEST_PROCESS_LOGS", tempfile.mkdtemp(prefix="scale-out-logs-"))
    if not args.no_reads:
        runs = measure_reads(args.seconds, args.rounds, args.connections)
        print_reads(runs, args.seconds, args.connections)
    if not args.no_checkout:
        asyncio.run(checkout_http.main("infra", [1, 2], args.customers, args.connections, ["builtin"]))


if __name__ == "__main__":
    main()
