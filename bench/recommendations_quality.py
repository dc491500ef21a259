"""Offline quality of the personal recommendations: hit rate @10 on held-out purchases.

    python -m bench.recommendations_quality                      # 2,000 users, 2,000 products, 60 days
    python -m bench.recommendations_quality --users 5000 --products 4000 --seed 7

A synthetic but realistic shop: a catalogue of products over leaf categories under a few roots, with
brands and a Zipf-like popularity, where each product has a few complements in related categories
(bought after it); and shoppers with hidden tastes (1-3 favourite categories, 1-3 favourite brands) who
browse in sessions over ``--days`` days: views (mostly of their tastes, some of whatever is popular),
cart additions and removals, orders (paid, or sometimes not; one or two lines), a few reviews. A shopper
who bought something often comes back later for one of its complements.

Each shopper with at least two paid orders is evaluated: their last paid order is held out, and so is
everything they did from the start of the session that led to it. The rest of the stream is replayed, in
time order, through the production use cases over the in-memory adapters (``RecordActivity`` for views,
cart changes and reviews; ``FollowOrders.placed`` and ``.paid`` for orders), wired by hand. At the end of
the stream ``RebuildBaseFeed`` runs, every evaluated shopper's list is built (``BuildPersonalList``) and
read as the shop shows it (``ShowRecommendations``, 10 items). A hit: a product of the held-out order is
among the 10.

Compared with the base feed a guest sees (the whole shop's best sellers, ``ShowBaseFeed``) minus what the
shopper bought already, and with the best sellers of the shopper's most viewed category (filled up from
the whole shop's). About 5% of the products are out of stock at the end: no list may show them, so a
held-out product out of stock is a miss for every list alike. Prints a Markdown table (hit rates, lift,
coverage) and the time the use cases took; exits with status 1 when the personal lists do not beat the
base feed, so it can serve as a check.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adapters.memory.activity import MemoryActivitySignalsUnitOfWork, SignalsTables
from adapters.memory.activity_log import MemoryActivityLog
from adapters.memory.clock import START, ManualClock
from adapters.memory.event_bus import InProcessEventBus
from adapters.memory.recommendations import (
    MemoryBaseFeedStore,
    MemoryRecommendationsUnitOfWork,
    RecommendationsTables,
)
from core.activity import commands as ac
from core.activity.model import Action, ActionKind
from core.activity.use_cases import FollowOrders, RecordActivity, SignalsOfShoppers
from core.recommendations.commands import BuildList, ForShopper
from core.recommendations.model import FeedKind, RecommendationPolicy, Source
from core.recommendations.use_cases import BuildPersonalList, RebuildBaseFeed, ShowBaseFeed, ShowRecommendations
from core.shared.money import Money
from ports.catalog import Offer, Shelf
from ports.ratings import RatingSummary

SEED = 20260301
TOP = 10
ROOTS = 8
PRODUCTS_PER_LEAF = 50  # 2,000 products: 40 leaf categories
PRODUCTS_PER_BRAND = 13  # 2,000 products: some 150 brands
OUT_OF_STOCK = 0.05
POPULARITY_EXPONENT = 0.9  # product popularity ~ 1 / rank ** this
COMPLEMENTS = 3  # per product, from two related categories
FAVOURITE_BRAND_BOOST = 4.0  # how much likelier a shopper picks a product of a brand they like
# What a shopper looks at next: one of their categories, one of their brands, or whatever is popular.
TASTE_CATEGORY, TASTE_BRAND = 0.65, 0.80  # cumulative: 65% category, 15% brand, 20% popular noise
SESSIONS_MEDIAN = 8
CART_RATE, COMPLEMENT_CART_RATE = 0.3, 0.5
REMOVE_RATE, CHECKOUT_RATE, UNPAID_RATE = 0.2, 0.6, 0.05
COMPLEMENT_LATER = 0.5  # a purchase makes the shopper come back for one of its complements
REVIEW_RATE = 0.12


# ----------------------------------------------------------------------------------------------------
# The synthetic shop


@dataclass
class Product:
    product_id: str
    leaf: int
    path: tuple[str, str]
    brand: str
    popularity: float
    in_stock: bool = True
    complements: list[int] = field(default_factory=list)


class Weighted:
    """Indices drawn by weight, fast (cumulative weights, bisect)."""

    def __init__(self, items: Sequence[int], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> int:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


class Catalogue:
    """Products in leaf categories under ``ROOTS`` roots (the shape scales with the size: some 50 products a
    leaf, some 13 a brand), brands mostly at home under one root, popularity Zipf-like."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.leaves = leaves = max(ROOTS, round(size / PRODUCTS_PER_LEAF))
        self.brands = brands = max(ROOTS, round(size / PRODUCTS_PER_BRAND))
        leaf_paths = [(f"c{n % ROOTS}", f"c{n % ROOTS}.{n // ROOTS}") for n in range(leaves)]
        self.roots = [leaf % ROOTS for leaf in range(leaves)]
        brand_home = [rng.randrange(ROOTS) for _ in range(brands)]
        brand_rank = rng.sample(range(brands), brands)
        brand_strength = [1 / (brand_rank[b] + 1) for b in range(brands)]
        homed = [[b for b in range(brands) if brand_home[b] == root] or [root] for root in range(ROOTS)]
        home_brands = [Weighted(members, [brand_strength[b] for b in members]) for members in homed]
        any_brand = Weighted(range(brands), brand_strength)
        leaf_rank = rng.sample(range(leaves), leaves)
        leaf_of = Weighted(range(leaves), [1 / (leaf_rank[n] + 1) ** 0.5 for n in range(leaves)])
        rank = rng.sample(range(size), size)
        self.products: list[Product] = []
        for n in range(size):
            leaf = leaf_of.draw(rng)
            brand = (home_brands[self.roots[leaf]] if rng.random() < 0.85 else any_brand).draw(rng)
            popularity = 1 / (rank[n] + 1) ** POPULARITY_EXPONENT
            in_stock = rng.random() >= OUT_OF_STOCK
            product = Product(f"p{n:05d}", leaf, leaf_paths[leaf], f"brand-{brand:03d}", popularity, in_stock)
            self.products.append(product)
        self.by_id = {p.product_id: p for p in self.products}
        self.in_leaf = [[n for n, p in enumerate(self.products) if p.leaf == leaf] for leaf in range(leaves)]
        self.of_brand: dict[str, list[int]] = {}
        for n, p in enumerate(self.products):
            self.of_brand.setdefault(p.brand, []).append(n)
        self.popular = Weighted(range(size), [p.popularity for p in self.products])
        self.popular_in_leaf = [self._by_popularity(members) for members in self.in_leaf]
        self.popular_of_brand = {b: self._by_popularity(members) for b, members in self.of_brand.items()}
        leaf_weights = [sum(self.products[m].popularity for m in members) for members in self.in_leaf]
        self.leaf_demand = Weighted(range(leaves), leaf_weights)
        # Complements: popular products of two related categories (one of the same root, one elsewhere).
        for leaf in range(leaves):
            same_root = [n for n in range(leaves) if n != leaf and self.roots[n] == self.roots[leaf]]
            elsewhere = [n for n in range(leaves) if self.roots[n] != self.roots[leaf]]
            related = [rng.choice(same_root or elsewhere), rng.choice(elsewhere)]
            related = [n for n in related if self.in_leaf[n]]
            for member in self.in_leaf[leaf]:
                picked: list[int] = []
                for _ in range(4 * COMPLEMENTS):
                    if len(picked) == COMPLEMENTS or not related:
                        break
                    other = self.popular_in_leaf[rng.choice(related)].draw(rng)
                    if other not in picked:
                        picked.append(other)
                self.products[member].complements = picked

    def _by_popularity(self, members: Sequence[int]) -> Weighted:
        return Weighted(members, [self.products[n].popularity for n in members])


@dataclass
class Shopper:
    """A shopper's hidden tastes; the recommendations only ever see what they do."""

    user_id: str
    leaves: list[Weighted]  # each favourite category's products, favourite brands boosted
    brands: list[str]
    sessions: int


def make_shopper(n: int, catalogue: Catalogue, rng: random.Random) -> Shopper:
    leaves: list[int] = []
    for _ in range(rng.randint(1, 3)):
        leaf = catalogue.leaf_demand.draw(rng)
        if leaf not in leaves and catalogue.in_leaf[leaf]:
            leaves.append(leaf)
    # Brands liked are mostly brands of the liked categories.
    nearby = sorted({catalogue.products[m].brand for leaf in leaves for m in catalogue.in_leaf[leaf]})
    everything = sorted(catalogue.of_brand)  # sorted: the draws do not depend on the hash seed
    brands: list[str] = []
    for _ in range(rng.randint(1, 3)):
        brand = rng.choice(nearby if nearby and rng.random() < 0.8 else everything)
        if brand not in brands:
            brands.append(brand)

    def appeal(m: int) -> float:
        product = catalogue.products[m]
        return product.popularity * (FAVOURITE_BRAND_BOOST if product.brand in brands else 1.0)

    boosted = [Weighted(catalogue.in_leaf[leaf], [appeal(m) for m in catalogue.in_leaf[leaf]]) for leaf in leaves]
    sessions = max(1, min(60, round(rng.lognormvariate(math.log(SESSIONS_MEDIAN), 0.6))))
    return Shopper(f"user-{n:05d}", boosted, brands, sessions)


def wanted(shopper: Shopper, catalogue: Catalogue, rng: random.Random) -> int:
    """What the shopper looks at next: mostly their tastes, some popular noise."""
    draw = rng.random()
    if draw < TASTE_CATEGORY:
        return rng.choice(shopper.leaves).draw(rng)
    if draw < TASTE_BRAND:
        return catalogue.popular_of_brand[rng.choice(shopper.brands)].draw(rng)
    return catalogue.popular.draw(rng)


# ----------------------------------------------------------------------------------------------------
# The activity stream


Lines = tuple[tuple[int, int], ...]  # an order's (product, quantity)


@dataclass(frozen=True)
class Happening:
    """One thing a shopper does, as the activity worker is told of it."""

    at: datetime
    seq: int
    user_id: str
    kind: str  # viewed, added, removed, placed, paid, reviewed
    product: int = -1
    order_id: str = ""
    lines: Lines = ()
    rating: int = 0


@dataclass
class History:
    user_id: str
    happenings: list[Happening] = field(default_factory=list)
    # Paid orders: (start of the session that led to it, its products).
    paid: list[tuple[datetime, tuple[int, ...]]] = field(default_factory=list)


def simulate(
    shopper: Shopper, catalogue: Catalogue, days: int, rng: random.Random, seq: itertools.count[int]
) -> History:
    """The shopper's sessions: a few views around what they came for (similar products, and what their
    tastes bring up), perhaps a cart, perhaps an order, perhaps a review days later."""
    history = History(shopper.user_id)
    # A session lasts well under an hour: each ends before the period does (a review may come after it).
    last_start = days * 86400 - 3600
    starts = sorted(START + timedelta(seconds=rng.uniform(0, last_start)) for _ in range(shopper.sessions))
    later: list[int] = []  # complements the shopper means to come back for
    bought: set[int] = set()

    def happen(
        at: datetime, kind: str, product: int = -1, order_id: str = "", lines: Lines = (), rating: int = 0
    ) -> None:
        history.happenings.append(Happening(at, next(seq), shopper.user_id, kind, product, order_id, lines, rating))

    for start in starts:
        at = start
        for_complement = bool(later) and rng.random() < 0.5
        intent = later.pop(0) if for_complement else wanted(shopper, catalogue, rng)
        similar = catalogue.popular_in_leaf[catalogue.products[intent].leaf]
        around = rng.randint(1, 6)
        others = [similar.draw(rng) if rng.random() < 0.5 else wanted(shopper, catalogue, rng) for _ in range(around)]
        viewed = [*others]
        viewed.insert(rng.randint(0, len(viewed)), intent)
        if rng.random() < 0.3:
            viewed.append(intent)  # a second look
        for product in viewed:
            at += timedelta(seconds=rng.uniform(15, 180))
            happen(at, "viewed", product=product)
        cart: list[int] = []
        if rng.random() < (COMPLEMENT_CART_RATE if for_complement else CART_RATE) and intent not in bought:
            cart.append(intent)
        if rng.random() < 0.1 and others[0] not in bought and others[0] not in cart:
            cart.append(others[0])
        for product in list(cart):
            at += timedelta(seconds=rng.uniform(5, 60))
            happen(at, "added", product=product)
            if rng.random() < REMOVE_RATE:
                at += timedelta(seconds=rng.uniform(5, 120))
                happen(at, "removed", product=product)
                cart.remove(product)
        if not cart or rng.random() >= CHECKOUT_RATE:
            continue
        order_id = f"order-{next(seq)}"
        lines = tuple((product, 2 if rng.random() < 0.1 else 1) for product in cart)
        at += timedelta(seconds=rng.uniform(30, 300))
        happen(at, "placed", order_id=order_id, lines=lines)
        if rng.random() < UNPAID_RATE:
            continue  # the payment failed: no purchase
        happen(at + timedelta(seconds=rng.uniform(2, 60)), "paid", order_id=order_id)
        history.paid.append((start, tuple(cart)))
        for product in cart:
            bought.add(product)
            complements = [c for c in catalogue.products[product].complements if c not in bought]
            if complements and rng.random() < COMPLEMENT_LATER:
                later.append(rng.choice(complements))
            if rng.random() < REVIEW_RATE:
                stars = rng.choices([5, 4, 3, 2, 1], [45, 30, 12, 7, 6])[0]
                happen(at + timedelta(days=rng.uniform(2, 10)), "reviewed", product=product, rating=stars)
    return history


# ----------------------------------------------------------------------------------------------------
# The ports the script serves from the synthetic catalogue


class SyntheticShelves:
    def __init__(self, catalogue: Catalogue) -> None:
        self.shelves_by_id = {p.product_id: Shelf(p.path, p.brand) for p in catalogue.products}

    async def shelves(self, product_ids: Sequence[str]) -> dict[str, Shelf]:
        return {p: s for p in product_ids if (s := self.shelves_by_id.get(p)) is not None}


class SyntheticCatalog:
    """Every product published, by one seller; the out-of-stock ones not purchasable."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.offers_by_id = {
            p.product_id: Offer(
                p.product_id,
                "seller-1",
                f"Product {p.product_id}",
                Money(1999, "EUR"),
                10 if p.in_stock else 0,
                None,
                p.in_stock,
            )
            for p in catalogue.products
        }

    async def offers(self, product_ids: Sequence[str]) -> dict[str, Offer]:
        return {p: o for p in product_ids if (o := self.offers_by_id.get(p)) is not None}


class SyntheticRatings:
    """The stars of the reviews replayed so far."""

    def __init__(self) -> None:
        self.stars: dict[str, list[int]] = {}

    def add(self, product_id: str, rating: int) -> None:
        self.stars.setdefault(product_id, []).append(rating)

    async def of_products(self, product_ids: Sequence[str]) -> dict[str, RatingSummary]:
        found = {}
        for product_id in product_ids:
            given = self.stars.get(product_id)
            if given:
                counts = Counter(given)
                found[product_id] = RatingSummary(
                    len(given), round(sum(given) / len(given), 2), tuple(counts[n] for n in range(1, 6))
                )
        return found

    async def of_sellers(self, seller_ids: Sequence[str]) -> dict[str, RatingSummary]:
        return {}


# ----------------------------------------------------------------------------------------------------
# The evaluation


@dataclass
class Quality:
    users: int
    products: int
    categories: int  # leaf categories
    brands: int
    actions: int  # actions and order messages replayed through the use cases
    evaluated: int  # shoppers with a held-out order
    personal_hits: int
    base_hits: int
    category_hits: int
    personal_only: int  # shoppers the personal list hit and the base feed missed
    base_only: int  # and the other way round
    personal_coverage: float  # distinct products shown / catalogue
    base_coverage: float
    category_coverage: float
    fell_back: int  # evaluated shoppers shown the base feed rather than a list of their own
    held_out_of_stock: int
    generate_seconds: float
    replay_seconds: float
    feed_seconds: float
    build_seconds: float

    def rate(self, hits: int) -> float:
        return hits / self.evaluated if self.evaluated else 0.0

    @property
    def personal_beats_base(self) -> bool:
        return self.rate(self.personal_hits) > self.rate(self.base_hits)


class Shop:
    """The use cases under test, wired by hand over the memory adapters."""

    def __init__(self, catalogue: Catalogue, clock: ManualClock) -> None:
        bus = InProcessEventBus()  # nobody subscribed: the lists are built here, not on events
        tables, lists = SignalsTables(), RecommendationsTables()

        def signals_uow() -> MemoryActivitySignalsUnitOfWork:
            return MemoryActivitySignalsUnitOfWork(tables, bus)

        def lists_uow() -> MemoryRecommendationsUnitOfWork:
            return MemoryRecommendationsUnitOfWork(lists, bus)

        catalog, policy, store = SyntheticCatalog(catalogue), RecommendationPolicy(), MemoryBaseFeedStore()
        signals = SignalsOfShoppers(signals_uow)
        self.ratings = SyntheticRatings()
        self.record = RecordActivity(MemoryActivityLog(), signals_uow, SyntheticShelves(catalogue), clock)
        self.orders = FollowOrders(signals_uow, self.record)
        self.rebuild_feed = RebuildBaseFeed(signals, self.ratings, store, policy, clock)
        self.build = BuildPersonalList(lists_uow, signals, catalog, policy, clock)
        self.feed = ShowBaseFeed(store, catalog)
        self.show = ShowRecommendations(lists_uow, self.feed, catalog)
        self.policy = policy


async def replay(shop: Shop, catalogue: Catalogue, clock: ManualClock, happenings: Sequence[Happening]) -> None:
    kinds = {"viewed": ActionKind.VIEWED, "added": ActionKind.ADDED_TO_CART, "removed": ActionKind.REMOVED_FROM_CART}
    for h in happenings:
        clock.advance((h.at - clock.now()).total_seconds())
        if h.kind == "placed":
            lines = tuple((catalogue.products[p].product_id, q) for p, q in h.lines)
            await shop.orders.placed(ac.RememberOrder(h.order_id, h.user_id, lines))
        elif h.kind == "paid":
            await shop.orders.paid(ac.RememberPayment(f"paid-{h.seq}", h.order_id, h.at))
        else:
            product_id = catalogue.products[h.product].product_id
            if h.kind == "reviewed":
                action = Action(
                    action_id=f"a-{h.seq}",
                    actor=h.user_id,
                    kind=ActionKind.REVIEWED,
                    occurred_at=h.at,
                    product_id=product_id,
                    rating=h.rating,
                )
                shop.ratings.add(product_id, h.rating)
            else:
                quantity = 1 if h.kind == "added" else None
                action = Action(
                    action_id=f"a-{h.seq}",
                    actor=h.user_id,
                    kind=kinds[h.kind],
                    occurred_at=h.at,
                    product_id=product_id,
                    quantity=quantity,
                )
            await shop.record(ac.RecordActions((action,)))


@dataclass
class Evaluated:
    """A shopper whose last paid order is held out: what it holds, and what the replay told of them."""

    held_out: set[str]
    owned: set[str] = field(default_factory=set)  # bought in the orders replayed
    views: Counter[str] = field(default_factory=Counter)  # by leaf category


def hold_out(
    catalogue: Catalogue, histories: Sequence[History], end: datetime
) -> tuple[list[Happening], dict[str, Evaluated]]:
    """The stream to replay, in time order, and the evaluated shoppers: each shopper with two paid orders
    or more loses their last one, and everything they did from the start of the session that led to it.
    What would happen after ``end`` (reviews of the last days' purchases) has not happened yet."""
    stream: list[Happening] = []
    evaluated: dict[str, Evaluated] = {}
    for history in histories:
        cut = None
        if len(history.paid) >= 2:
            cut, last = history.paid[-1]
            evaluated[history.user_id] = Evaluated({catalogue.products[p].product_id for p in last})
        stream.extend(h for h in history.happenings if h.at < (cut or end))
    stream.sort(key=lambda h: (h.at, h.seq))
    placed: dict[str, Lines] = {}
    for h in stream:
        shopper = evaluated.get(h.user_id)
        if shopper is None:
            continue
        if h.kind == "viewed":
            shopper.views[catalogue.products[h.product].path[-1]] += 1
        elif h.kind == "placed":
            placed[h.order_id] = h.lines
        elif h.kind == "paid":
            shopper.owned.update(catalogue.products[p].product_id for p, _ in placed[h.order_id])
    return stream, evaluated


def top(ranked: Sequence[str], owned: set[str], fill: Sequence[str] = ()) -> list[str]:
    """The first ``TOP`` of ``ranked`` (then of ``fill``) the shopper does not own."""
    return [p for p in dict.fromkeys([*ranked, *fill]) if p not in owned][:TOP]


async def main(users: int, products: int, days: int, seed: int) -> Quality:
    rng = random.Random(seed)
    started = time.perf_counter()
    catalogue = Catalogue(products, rng)
    seq = itertools.count()
    shoppers = [make_shopper(n, catalogue, rng) for n in range(users)]
    end = START + timedelta(days=days)
    stream, evaluated = hold_out(catalogue, [simulate(s, catalogue, days, rng, seq) for s in shoppers], end)
    generate_seconds = time.perf_counter() - started

    clock = ManualClock()
    shop = Shop(catalogue, clock)
    started = time.perf_counter()
    await replay(shop, catalogue, clock, stream)
    replay_seconds = time.perf_counter() - started
    clock.advance((end - clock.now()).total_seconds())

    started = time.perf_counter()
    await shop.rebuild_feed()
    feed_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for user_id in evaluated:
        await shop.build(BuildList(user_id))
    build_seconds = time.perf_counter() - started

    # The feed's lists hold twice a page: room to leave out what the shopper owns.
    size = 2 * shop.policy.feed_size
    whole_shop = [i.product_id for i in await shop.feed.items(FeedKind.BEST_SELLERS, None, size)]
    of_category: dict[str, list[str]] = {}
    hits: Counter[str] = Counter()
    shown: dict[str, set[str]] = {"personal": set(), "base": set(), "category": set()}
    fell_back = 0
    for user_id, shopper in evaluated.items():
        view = await shop.show(ForShopper(user_id, TOP))
        fell_back += view.source is Source.BASE
        favourite = min(shopper.views.items(), key=lambda kv: (-kv[1], kv[0]))[0] if shopper.views else ""
        if favourite and favourite not in of_category:
            items = await shop.feed.items(FeedKind.BEST_SELLERS, favourite, size)
            of_category[favourite] = [i.product_id for i in items]
        lists = {
            "personal": [i.product_id for i in view.items],
            "base": top(whole_shop, shopper.owned),
            "category": top(of_category.get(favourite, []), shopper.owned, whole_shop),
        }
        hit = {name: bool(shopper.held_out.intersection(ids)) for name, ids in lists.items()}
        hits.update(name for name, yes in hit.items() if yes)
        hits["personal_only"] += hit["personal"] and not hit["base"]
        hits["base_only"] += hit["base"] and not hit["personal"]
        for name, ids in lists.items():
            shown[name].update(ids)

    return Quality(
        users=users,
        products=products,
        categories=catalogue.leaves,
        brands=catalogue.brands,
        actions=len(stream),
        evaluated=len(evaluated),
        personal_hits=hits["personal"],
        base_hits=hits["base"],
        category_hits=hits["category"],
        personal_only=hits["personal_only"],
        base_only=hits["base_only"],
        personal_coverage=len(shown["personal"]) / products,
        base_coverage=len(shown["base"]) / products,
        category_coverage=len(shown["category"]) / products,
        fell_back=fell_back,
        held_out_of_stock=sum(all(not catalogue.by_id[p].in_stock for p in s.held_out) for s in evaluated.values()),
        generate_seconds=generate_seconds,
        replay_seconds=replay_seconds,
        feed_seconds=feed_seconds,
        build_seconds=build_seconds,
    )


def report(q: Quality, days: int, seed: int) -> None:
    base = q.rate(q.base_hits)
    print(
        f"\n{q.users:,} shoppers, {q.products:,} products ({q.categories} leaf categories, {q.brands} brands), "
        f"{days} days, seed {seed}: {q.actions:,} actions and order messages replayed; {q.evaluated} shoppers "
        f"evaluated (2+ paid orders), {q.held_out_of_stock} of whose held-out order is out of stock (a miss for "
        f"every list); {q.fell_back} of them shown the base feed for want of a list of their own\n"
    )
    print("| list (top 10) | hit rate @10 | hits | lift over the base feed | coverage |")
    print("| --- | ---: | ---: | ---: | ---: |")
    rows = [
        ("personal list (BuildPersonalList)", q.personal_hits, q.personal_coverage),
        ("base feed: the shop's best sellers", q.base_hits, q.base_coverage),
        ("base feed: best sellers of the most viewed category", q.category_hits, q.category_coverage),
    ]
    for name, hits, coverage in rows:
        rate = q.rate(hits)
        lift = f"x{rate / base:.2f}" if base else "-"
        print(f"| {name} | {rate:.3f} | {hits}/{q.evaluated} | {lift} | {coverage:.1%} |")
    print(
        f"\ngenerated in {q.generate_seconds:.1f} s; replayed through RecordActivity and FollowOrders in "
        f"{q.replay_seconds:.1f} s ({q.actions / q.replay_seconds:,.0f} actions/s); base feed rebuilt in "
        f"{q.feed_seconds:.2f} s; {q.evaluated} lists built in {q.build_seconds:.1f} s "
        f"({q.evaluated / q.build_seconds:,.0f} lists/s)"
    )
    verdict = "beats" if q.personal_beats_base else "does NOT beat"
    print(
        f"\nThe personal list {verdict} the base feed: hit rate @10 {q.rate(q.personal_hits):.3f} against "
        f"{base:.3f} (lift x{q.rate(q.personal_hits) / base if base else float('inf'):.2f}; the personal list alone "
        f"hit {q.personal_only} shoppers, the base feed alone {q.base_only})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    quality = asyncio.run(main(args.users, args.products, args.days, args.seed))
    report(quality, args.days, args.seed)
    sys.exit(0 if quality.personal_beats_base else 1)
