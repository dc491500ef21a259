"""The demo shop's history: a few weeks of shoppers looking around and buying, so the base feed has best
sellers at once, cards have "customers also bought", and a customer who browses sees her own list within
seconds.

As for the reviews (entrypoints/demo_reviews.py), the demo does not run hundreds of checkouts: it hands
the activity context what its consumers would have recorded (views, and paid orders as ``OrderPlaced``
and ``OrderConfirmed`` tell them), through its own use cases. Each demo shopper has a taste (a category
and a brand); they look mostly at products of it, and buy some, often two that go together.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from typing import Any

from config.runtime import Runtime
from core.activity.commands import RecordActions, RememberOrder, RememberPayment
from core.activity.model import Action, ActionKind
from core.activity.use_cases import FollowOrders, RecordActivity
from core.recommendations.use_cases import RebuildBaseFeed
from ports.catalog import ProductShelves
from ports.shared import Clock

SHOPPERS = 40
DAYS = 28
SEED = 2026  # the same history on every run


async def seed_activity(runtime: Runtime, cards: list[dict[str, Any]]) -> int:
    """Views and paid orders of ``SHOPPERS`` demo shoppers over the last ``DAYS`` days; return how many
    orders. Then the base feed is built, so the shop shows best sellers at once."""
    if not cards:
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    ids = sorted(card["id"] for card in cards)
    shelves = await runtime.resolve(ProductShelves).shelves(ids)
    by_taste: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_category: dict[str, list[str]] = defaultdict(list)
    for product_id in ids:
        shelf = shelves.get(product_id)
        if shelf is not None and shelf.category_path:
            by_taste[(shelf.category_path[-1], shelf.brand)].append(product_id)
            by_category[shelf.category_path[-1]].append(product_id)
    tastes = sorted(by_taste)
    now = runtime.resolve(Clock).now()
    record, orders = runtime.resolve(RecordActivity), runtime.resolve(FollowOrders)
    made = 0
    for s in range(SHOPPERS):
        shopper = f"demo-shopper-{s:03d}"
        category, brand = tastes[rng.randrange(len(tastes))]
        liked = by_taste[(category, brand)] + by_category[category]
        views: list[Action] = []
        sessions = sorted(now - timedelta(days=rng.uniform(0, DAYS)) for _ in range(rng.randint(2, 5)))
        for session, at in enumerate(sessions):
            viewed = [rng.choice(liked) if rng.random() < 0.8 else rng.choice(ids) for _ in range(rng.randint(2, 6))]
            views += (
                Action(
                    action_id=f"demo-view-{s}-{session}-{n}",
                    actor=shopper,
                    kind=ActionKind.VIEWED,
                    occurred_at=at + timedelta(minutes=n),
                    product_id=product_id,
                )
                for n, product_id in enumerate(viewed)
            )
            if rng.random() < 0.6:
                lines = tuple((p, 1) for p in dict.fromkeys(viewed[: rng.randint(1, 2)]))
                order_id = f"demo-order-{s}-{session}"
                await orders.placed(RememberOrder(order_id, shopper, lines))
                await orders.paid(RememberPayment(f"demo-paid-{s}-{session}", order_id, at + timedelta(hours=1)))
                made += 1
        await record(RecordActions(tuple(views)))  # one shopper's views: one write to the log and the signals
    await runtime.resolve(RebuildBaseFeed)()
    return made
