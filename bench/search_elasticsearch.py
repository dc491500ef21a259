"""Benchmark: search on Elasticsearch, ours against a raw query of the same request.

    python -m bench.search_elasticsearch                          # 20,000 then 100,000 products
    python -m bench.search_elasticsearch --products 20000 --queries 500

Needs the Elasticsearch of ``scripts/services up`` (MARKETPLACE_ELASTICSEARCH_URL). For each catalogue size
it builds the synthetic catalogue of ``bench.search_index`` into indexes of their own (a scratch prefix,
deleted at the end) through the adapter's rebuild (the bulk load ``marketplace reindex`` uses: documents/s),
then times the same mix of customer queries (text, filters, sort, category browsing with the three facets,
prefixes) two ways, alternating query by query so a drift of the machine's speed hits both alike:

- **ours**: ``SearchProducts`` as the HTTP route calls it: the query checked and analysed, the request built
  by the adapter, sent, and the answer turned into the view (hits, facets, cursor);
- **raw**: the very request body ours sends, sent with the same client and nothing else done.

Target: ours p95 <= 1.2x the raw query's p95. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid

from adapters.elasticsearch.queries import product_search
from adapters.elasticsearch.search_index import ElasticsearchSearchIndex
from bench.search_index import SEED, Catalogue, percentile
from core.search import use_cases as uc
from core.search.use_cases import product_query


async def one_size(url: str, products: int, queries: int) -> None:
    rng = random.Random(SEED)
    catalogue = Catalogue(products, rng)
    index = ElasticsearchSearchIndex.at(url, f"bench{uuid.uuid4().hex[:8]}", timeout_seconds=60)
    try:
        await index.ensure_indexes()
        documents = [uc.indexed(catalogue.card(n)) for n in range(products)]
        started = time.perf_counter()
        async with index.rebuild() as build:
            await build.put_products(documents)
        bulk_seconds = time.perf_counter() - started

        search = uc.SearchProducts(index)
        commands = [catalogue.query()[1] for _ in range(queries)]
        bodies = [product_search(product_query(command), False) for command in commands]
        alias = index.products.alias
        for command in commands[:50]:  # warm-up: the caches of the cluster and of the client's connections
            await search(command)
        ours: list[float] = []
        raw: list[float] = []
        for command, body in zip(commands, bodies, strict=True):
            started = time.perf_counter()
            await search(command)
            ours.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await index.client.search(index=alias, body=body)
            raw.append((time.perf_counter() - started) * 1000)
    finally:
        await index.delete_indexes()
        await index.close()

    print(
        f"\n{products:,} products: bulk indexed in {bulk_seconds:.1f} s ({products / bulk_seconds:,.0f} documents/s);"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'queries':8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, samples in (("raw", raw), ("ours", ours)):
        print(
            f"{name:8} {len(samples):6d} {statistics.median(samples):8.2f} {percentile(samples, 95):8.2f}"
            f" {percentile(samples, 99):8.2f}"
        )
    print(
        f"ours / raw: p50 x{statistics.median(ours) / statistics.median(raw):.2f},"
        f" p95 x{percentile(ours, 95) / percentile(raw, 95):.2f}"
    )


async def main(sizes: list[int], queries: int) -> None:
    url = os.environ.get("MARKETPLACE_ELASTICSEARCH_URL", "http://127.0.0.1:59200")
    for products in sizes:
        await one_size(url, products, queries)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", default="20000,100000", help="catalogue sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main([int(n) for n in args.products.split(",")], args.queries))
