"""The demo shop's reviews: a few dozen customers who received some of the products review them, so the
cards show ratings and the search can sort by them.

The demo does not run a checkout and a delivery for every review (that would take minutes): it tells the
reviews context that each reviewer received the product, as the orders' ``OrderPlaced`` and
``OrderDelivered`` events would, and the reviews then go through the API and moderation like any other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from config.runtime import Runtime
from core.reviews.commands import OrderedProduct, OrderedProducts, OrderReceived
from core.reviews.use_cases import RecordDelivery, RecordPurchase
from ports.shared import Clock

REVIEWS_PER_REVIEWER = 4  # under the burst rule's limit, so the rules publish every demo review at once
NAMES = ["Alex", "Billie", "Casey", "Dana", "Eli", "Frankie", "Gabi", "Harper", "Ira", "Jules", "Kim", "Lou"]
TEXTS: dict[int, list[tuple[str, str]]] = {
    5: [
        ("Exactly what I hoped for", "Arrived quickly and well packed. It does everything the description says."),
        ("Excellent quality", "I have used it every day for a month now and it still feels like new."),
        ("Would buy again", "Great value for the price, and the seller answered my question within a day."),
    ],
    4: [
        ("Very good, one small quibble", "Works well and looks nice. The instructions could be clearer."),
        ("Solid choice", "Does the job reliably. Slightly heavier than I expected, but that is a detail."),
    ],
    3: [("Fine for the price", "It is okay. Nothing special, but nothing wrong with it either.")],
    2: [("Not quite as described", "The colour is duller than in the pictures and it feels a bit flimsy.")],
    1: [("Disappointed", "It stopped working after two weeks. The return was easy, at least.")],
}
# Mostly happy customers, as on any shop: the stars each of a card's reviewers gives, in turn.
STARS_CYCLE = [5, 4, 5, 3, 5, 4, 2, 5, 4, 1, 5, 4]

Call = Callable[..., Awaitable[Any]]
Account = Callable[[str, str], Awaitable[str]]


async def seed_reviews(runtime: Runtime, call: Call, account: Account, cards: list[dict[str, Any]]) -> int:
    """Reviews of about half of ``cards`` (up to 40), 1 to 4 each; return how many were submitted."""
    reviewed = sorted(cards, key=lambda c: c["id"])[: min(40, len(cards) // 2)]
    plan = [(card, n) for i, card in enumerate(reviewed) for n in range(1 + (i * 7) % 4)]
    reviewers = -(-len(plan) // REVIEWS_PER_REVIEWER)
    tokens = [await account(f"reviewer{r:02d}@demo.example", f"{NAMES[r % len(NAMES)]} R.") for r in range(reviewers)]
    user_ids = [(await call("GET", "/api/v1/me", token=t))["user_id"] for t in tokens]
    now = runtime.resolve(Clock).now()
    made = 0
    slots = asyncio.Semaphore(8)

    async def review(index: int, card: dict[str, Any], n: int) -> None:
        nonlocal made
        r = index % reviewers
        order_id = f"demo-order-{card['id']}-{user_ids[r]}"
        line = (OrderedProduct(card["id"], card["seller_id"]),)
        bought = now - timedelta(days=10 + index % 20)
        await runtime.resolve(RecordPurchase)(OrderedProducts(order_id, user_ids[r], line, bought))
        await runtime.resolve(RecordDelivery)(OrderReceived(order_id, bought + timedelta(days=3)))
        stars = STARS_CYCLE[(index + n) % len(STARS_CYCLE)]
        title, text = TEXTS[stars][index % len(TEXTS[stars])]
        body = {"rating": stars, "title": title, "text": text, "author_name": f"{NAMES[r % len(NAMES)]} R."}
        async with slots:
            reply = await call("POST", f"/api/v1/products/{card['id']}/reviews", body, tokens[r], ok=(201, 409))
        made += "id" in reply  # a second run finds the review there already (409)

    await asyncio.gather(*(review(i, card, n) for i, (card, n) in enumerate(plan)))
    return made
