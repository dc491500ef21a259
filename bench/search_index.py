"""Benchmark: the in-memory search index at catalogue scale.

    python -m bench.search_index                       # 20,000 products, 1000 mixed queries
    python -m bench.search_index --products 50000 --queries 2000

Builds a synthetic catalogue (a three-level category tree, a few hundred brands of Zipf-like popularity,
titles, descriptions and attributes from a fixed vocabulary, prices in EUR and some USD), indexes it
through the search use case the consumer calls, then times searches through ``SearchProducts`` (query
checks, full text, filters, the three facets, sort and cursor) as the HTTP route runs them: a mix of
text-only, filtered, sorted, second-page and browse-only queries. Also times completions and storefront
searches. Prints a table of latency percentiles (wall clock, and the process's CPU time, which a busy
machine inflates less), the index build rate and the memory the index holds (tracemalloc, Python objects
only). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import attrs

from adapters.memory.search_index import MemorySearchIndex
from core.search import use_cases as uc
from core.search.commands import FindProducts, FindSellers, IndexProduct, ListSeller, Suggest
from core.search.model import Attribute, Sort
from core.shared.money import Money
from core.shared.pagination import PageRequest
from ports.ratings import RatingSummary

SEED = 20260301


def _words(text: str) -> list[str]:
    return text.split()


ADJECTIVES = _words(
    "wireless portable compact classic premium smart ergonomic waterproof foldable vintage organic "
    "lightweight heavy-duty stainless modern rustic electric manual cordless digital"
)
NOUNS = _words(
    "headphones speaker lamp kettle blender backpack jacket sneakers watch camera keyboard mouse monitor "
    "chair desk mug knife pan teapot pillow blanket tent bicycle helmet drill saw router charger cable "
    "notebook pen guitar drum microphone toaster grinder scale mirror vase rug sofa shelf"
)
COLOURS = _words("black white silver red blue green navy grey beige olive")
MATERIALS = _words("steel aluminium oak walnut cotton wool leather ceramic glass bamboo")
COMMON = _words(
    "the and with for your every day use made from quality design easy clean fits perfectly long lasting "
    "comfort style home office travel outdoor kitchen garden gift pack set size fine strong soft durable"
)


def syllable_word(rng: random.Random) -> str:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


class Catalogue:
    """A deterministic synthetic catalogue."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.rng = rng
        self.vocabulary = COMMON + [syllable_word(rng) for _ in range(2000)]
        self.brands = [syllable_word(rng).title() for _ in range(300)]
        self.brand_weights = [1 / (rank + 1) for rank in range(len(self.brands))]
        self.paths: list[tuple[str, ...]] = []
        for root in range(5):
            for child in range(4):
                for leaf in range(3):
                    self.paths.append((f"c{root}", f"c{root}.{child}", f"c{root}.{child}.{leaf}"))
        self.sellers = [f"seller-{n:04d}" for n in range(400)]
        self.store_names = [syllable_word(rng).title() for _ in self.sellers]
        self.size = size

    def card(self, n: int) -> IndexProduct:
        rng = self.rng
        noun = rng.choice(NOUNS)
        model = f"{rng.choice(self.vocabulary).title()} {rng.randint(10, 999)}"
        title = f"{rng.choice(ADJECTIVES).title()} {noun.title()} {model}"
        description = " ".join(rng.choice(self.vocabulary) for _ in range(rng.randint(15, 40))) + f" {noun}"
        path = rng.choice(self.paths)
        currency = "USD" if rng.random() < 0.05 else "EUR"
        return IndexProduct(
            product_id=f"product-{n:06d}",
            seller_id=rng.choice(self.sellers),
            revision=1,
            title=title,
            description=description,
            brand=rng.choices(self.brands, self.brand_weights)[0],
            attributes=(
                Attribute("colour", "text", rng.choice(COLOURS)),
                Attribute("material", "text", rng.choice(MATERIALS)),
                Attribute("weight_grams", "number", str(rng.randint(50, 5000))),
                Attribute("waterproof", "boolean", rng.choice(["true", "false"])),
            ),
            category_id=path[-1],
            category_path=path,
            price=Money(int(rng.lognormvariate(8.3, 1.1)), currency),
            available=rng.choice([0, 0, 1, 3, 10, 50]),
            image_urls=(f"https://cdn.example.com/{n}/1.jpg",),
            published_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
        )

    def query(self) -> tuple[str, FindProducts]:
        """A customer's query: the kind it is, and the command."""
        rng = self.rng
        kind = rng.choices(
            ["text", "text+filters", "text+sort", "browse category", "browse+facets", "prefix"],
            [30, 20, 10, 15, 15, 10],
        )[0]
        text = ""
        fields: dict[str, object] = {}
        if kind in ("text", "text+filters", "text+sort"):
            words = [rng.choice(NOUNS), *rng.sample([rng.choice(ADJECTIVES), rng.choice(COLOURS)], rng.randint(0, 2))]
            text = " ".join(words)
        if kind == "prefix":
            text = rng.choice(NOUNS)[: rng.randint(2, 4)]
        if kind in ("text+filters", "browse+facets"):
            fields["brands"] = tuple(rng.sample(self.brands[:30], rng.randint(1, 3)))
            fields["price_min"], fields["price_max"], fields["currency"] = (
                1000,
                rng.choice([5000, 20000, 100000]),
                "EUR",
            )
            fields["in_stock"] = rng.random() < 0.5
        if kind in ("browse category", "browse+facets"):
            fields["category_id"] = rng.choice(self.paths)[rng.randint(0, 2)]
        if kind == "text+sort" or kind.startswith("browse"):
            fields["sort"] = rng.choice(list(Sort))
        return kind, FindProducts(text=text, page=PageRequest(20), **fields)  # type: ignore[arg-type]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


Samples = tuple[list[float], list[float]]  # wall-clock and CPU milliseconds per call


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> Samples:
    wall: list[float] = []
    cpu: list[float] = []
    for call in calls:
        started, cpu_started = time.perf_counter(), time.process_time()
        await call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return wall, cpu


class NoReviews:
    """``ports.ratings.Ratings`` before any review: the benchmark measures the index, not the reviews."""

    async def of_products(self, product_ids: Sequence[str]) -> dict[str, RatingSummary]:
        return {}

    async def of_sellers(self, seller_ids: Sequence[str]) -> dict[str, RatingSummary]:
        return {}


async def fill(index: MemorySearchIndex, cards: list[IndexProduct], catalogue: Catalogue) -> None:
    """Index the cards and the storefronts through the use cases the search consumer calls."""
    publish = uc.IndexPublishedProduct(index, NoReviews())
    for card in cards:
        await publish(card)
    for n, seller in enumerate(catalogue.sellers):
        await uc.IndexVerifiedSeller(index)(ListSeller(seller, f"{catalogue.store_names[n]} Store {n}"))


async def main(products: int, queries: int) -> None:
    rng = random.Random(SEED)
    catalogue = Catalogue(products, rng)
    cards = [catalogue.card(n) for n in range(products)]

    index = MemorySearchIndex()
    started, cpu_started = time.perf_counter(), time.process_time()
    await fill(index, cards, catalogue)
    build_seconds, build_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # The memory the index holds, measured on a second build (tracing slows allocation down severalfold).
    tracemalloc.start()
    traced = MemorySearchIndex()
    await fill(traced, cards, catalogue)
    index_mib = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del traced

    search = uc.SearchProducts(index)
    rows: list[tuple[str, Samples]] = []
    mixed = [catalogue.query() for _ in range(queries)]
    await timed([lambda q=q: search(q) for _, q in mixed[:50]])  # warm-up
    totals = [(await search(query)).total for _, query in mixed]
    rows.append((f"mixed, all ({queries})", await timed([lambda q=q: search(q) for _, q in mixed])))
    for kind in sorted({kind for kind, _ in mixed}):
        rows.append((f"  {kind}", await timed([lambda q=q: search(q) for k, q in mixed if k == kind])))

    # Second pages: the cursor of a first page, for queries that have one.
    seconds = []
    for _, query in mixed[:200]:
        first = await search(query)
        if first.next_cursor:
            seconds.append(attrs.evolve(query, page=PageRequest(20, first.next_cursor)))
    rows.append(("second page by cursor", await timed([lambda q=q: search(q) for q in seconds])))

    suggest = uc.SuggestCompletions(index)
    prefixes = [rng.choice(NOUNS + catalogue.brands)[: rng.randint(1, 4)] for _ in range(queries // 2)]
    rows.append(("suggest (1-4 letters)", await timed([lambda p=p: suggest(Suggest(p)) for p in prefixes])))
    stores = uc.SearchSellers(index)
    names = [rng.choice(["store", "st", "", syllable_word(rng)[:3]]) for _ in range(queries // 4)]
    rows.append(("sellers by name", await timed([lambda t=t: stores(FindSellers(t)) for t in names])))

    print(
        f"\n{products} products, {len(catalogue.sellers)} sellers; indexed in {build_seconds:.2f} s "
        f"({products / build_seconds:,.0f} products/s; {build_cpu:.2f} s of CPU)"
    )
    print(
        f"index memory (tracemalloc): {index_mib:.0f} MiB; process peak RSS: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print(f"matches per mixed query: median {statistics.median(totals):,.0f}, max {max(totals):,}")
    print(f"load average while measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    head = f"{'queries':26} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    print(f"\n{head} {'cpu p50':>8} {'cpu p95':>8}")
    for name, (wall, cpu) in rows:
        if wall:
            print(
                f"{name:26} {len(wall):6d} {statistics.median(wall):8.2f} {percentile(wall, 95):8.2f} "
                f"{percentile(wall, 99):8.2f} {max(wall):8.2f} {statistics.median(cpu):8.2f} {percentile(cpu, 95):8.2f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.products, args.queries))
