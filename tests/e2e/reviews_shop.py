"""The shop the reviews e2e tests share, and everything a refused request must leave as it was.

"potter" sells the Blue Teapot ("{product_id}") and the Green Mug ("{fresh_id}"); "weaver" sells the Linen
Towel ("{other_product_id}"). The customer "ann" received the teapot and the mug (the reviews context was
fed the orders' events through its own use cases, as its consumers feed it), reviewed the teapot
("{review_id}": submitted clean, so the moderation rules published it) and potter answered her review; the
mug she has not reviewed yet. "bob" received the towel and reviewed it ("{bob_review_id}", published).
"mo" is a moderator. "{missing}" is an id nothing has, "{nul}" a path id holding a NUL (no id can).
"""

from __future__ import annotations

import copy
from typing import Any, cast

from tests.support.http import ApiClient

PASSWORD = "correct horse battery"
MISSING = "01900000-0000-7000-8000-000000000000"
NUL = "01900000%00"
ANN_ORDER = "01900000-0000-7000-8000-0000000000c1"
BOB_ORDER = "01900000-0000-7000-8000-0000000000c2"
REVIEW = {"rating": 4, "title": "Lovely teapot", "text": "Pours without dripping and keeps the tea warm."}
BOB_REVIEW = {"rating": 2, "title": "Thin towel", "text": "It dries slowly and the hem came loose."}
ANSWER = {"text": "Thank you for your kind words!"}


def open_shop(api: ApiClient, server: Any) -> dict[str, str]:
    """The shop of this module's docstring: tokens, user ids and review ids by name."""
    from features.steps.accounts import World, customer, logged_in
    from features.steps.catalog import Catalog, a_category, has_published
    from features.steps.moderation import moderator
    from features.steps.sellers import verified_seller

    world = World(api, server)
    catalog = Catalog(world)
    a_category(catalog, "Kitchen")
    for email in ("potter@example.com", "weaver@example.com"):
        verified_seller(world, email)
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 50)
    has_published(catalog, "potter@example.com", "Green Mug", "Potter", "Kitchen", "9.00", "EUR", 50)
    has_published(catalog, "weaver@example.com", "Linen Towel", "Weaver", "Kitchen", "12.00", "EUR", 50)
    for name in ("ann", "bob"):
        customer(world, f"{name}@example.com", PASSWORD)
        logged_in(world, f"{name}@example.com")
    moderator(world, "mo@example.com")
    shop = {
        "ann": world.token("ann@example.com"),
        "bob": world.token("bob@example.com"),
        "seller": world.token("potter@example.com"),
        "other_seller": world.token("weaver@example.com"),
        "mo": world.token("mo@example.com"),
        "ann_id": world.user_id("ann@example.com"),
        "bob_id": world.user_id("bob@example.com"),
        "seller_id": world.user_id("potter@example.com"),
        "other_seller_id": world.user_id("weaver@example.com"),
        "product_id": catalog.product_id("Blue Teapot"),
        "fresh_id": catalog.product_id("Green Mug"),
        "other_product_id": catalog.product_id("Linen Towel"),
        "missing": MISSING,
        "nul": NUL,
    }
    receive(server, ANN_ORDER, shop["ann_id"], shop["seller_id"], shop["product_id"], shop["fresh_id"])
    receive(server, BOB_ORDER, shop["bob_id"], shop["other_seller_id"], shop["other_product_id"])
    shop["review_id"] = published_review(api, shop["ann"], shop["product_id"], REVIEW)
    shop["bob_review_id"] = published_review(api, shop["bob"], shop["other_product_id"], BOB_REVIEW)
    answer = api.put(f"/api/v1/seller/reviews/{shop['review_id']}/answer", ANSWER, token=shop["seller"])
    assert answer.status == 200, answer.body
    return shop


def receive(server: Any, order_id: str, customer_id: str, seller_id: str, *product_ids: str) -> None:
    """The customer ordered the products and received them: what the orders' OrderPlaced and
    OrderDelivered tell the reviews context."""
    from core.reviews.commands import OrderedProduct, OrderedProducts, OrderReceived
    from core.reviews.use_cases import RecordDelivery, RecordPurchase

    runtime, now = server.runtime, server.clock.now()
    lines = tuple(OrderedProduct(product_id, seller_id) for product_id in product_ids)
    server.call(runtime.resolve(RecordPurchase)(OrderedProducts(order_id, customer_id, lines, now)))
    server.call(runtime.resolve(RecordDelivery)(OrderReceived(order_id, now)))
    server.settle()


def published_review(api: ApiClient, token: str, product_id: str, body: dict[str, Any]) -> str:
    """Submit a clean review; once settled, the moderation rules have published it."""
    reply = api.post(f"/api/v1/products/{product_id}/reviews", body, token=token)
    assert reply.status == 201, reply.body
    review_id: str = reply.body["id"]
    mine = api.get(f"/api/v1/me/reviews/{review_id}", token=token)
    assert (mine.status, mine.body["status"]) == (200, "published"), mine.body
    return review_id


def stored_reviews(server: Any, review_ids: list[str]) -> list[Any]:
    """The reviews as stored (their report count and version too, which no route shows), copied."""
    from ports.reviews import ReviewsUnitOfWork
    from ports.shared import UnitOfWorkFactory

    # The container's key: the factory type the use cases take (an alias, hence the cast for mypy).
    key = cast(Any, UnitOfWorkFactory)[ReviewsUnitOfWork]

    async def read() -> list[Any]:
        async with server.runtime.resolve(key)() as uow:
            return [copy.deepcopy(await uow.reviews.get(review_id)) for review_id in review_ids]

    stored: list[Any] = server.call(read())
    return stored


def _told(body: Any) -> Any:
    """An answer as far as it tells the shop's state: a problem's request id differs on every call."""
    if isinstance(body, dict) and "request_id" in body:
        return {k: v for k, v in body.items() if k != "request_id"}
    return body


def state(api: ApiClient, server: Any, shop: dict[str, str]) -> list[Any]:
    """Everything a request to a reviews route could change: the shop's lists and ratings, each author's
    and each seller's views, and the stored reviews."""
    public = [
        *(f"/api/v1/products/{shop[p]}/reviews" for p in ("product_id", "fresh_id", "other_product_id")),
        *(f"/api/v1/products/{shop[p]}/rating" for p in ("product_id", "fresh_id", "other_product_id")),
        *(f"/api/v1/sellers/{shop[s]}/rating" for s in ("seller_id", "other_seller_id")),
        *(f"/api/v1/reviews/{shop[r]}" for r in ("review_id", "bob_review_id")),
    ]
    private = [
        ("ann", "/api/v1/me/reviews"),
        ("ann", f"/api/v1/me/reviews/{shop['review_id']}"),
        ("bob", "/api/v1/me/reviews"),
        ("bob", f"/api/v1/me/reviews/{shop['bob_review_id']}"),
        ("mo", "/api/v1/me/reviews"),
        ("seller", "/api/v1/seller/reviews"),
        ("other_seller", "/api/v1/seller/reviews"),
    ]
    views: list[Any] = []
    for path in public:
        reply = api.get(path, token="")
        views.append((path, reply.status, _told(reply.body)))
    for who, path in private:
        reply = api.get(path, token=shop[who])
        views.append((who, path, reply.status, _told(reply.body)))
    views.append(stored_reviews(server, [shop["review_id"], shop["bob_review_id"]]))
    return views
