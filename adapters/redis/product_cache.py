"""Public product cards cached in Redis: ``product_card:<product id>`` holds the card as JSON, with a TTL.

The TTL bounds how long a card can stay stale when an invalidation was lost (Redis was down when the card
changed, or a reader put an older card back just after a writer dropped it). Any Redis failure, not only
"down", is reported as ``Unavailable``: the shop then reads the database and the cache is a speed-up again
once Redis answers. An entry that cannot be read back (written by another version) counts as a miss.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from core.products.commands import AttributeView, CategoryRef, PublicCard
from core.shared.errors import Unavailable
from core.shared.money import Money

log = logging.getLogger(__name__)

PREFIX = "product_card:"
# DEL takes many keys; a bounded batch keeps one command from blocking Redis for long.
_FORGET_BATCH = 500


def card_key(product_id: str) -> str:
    return PREFIX + product_id


def _encode(card: PublicCard) -> str:
    return json.dumps(
        {
            "id": card.id,
            "seller_id": card.seller_id,
            "title": card.title,
            "description": card.description,
            "brand": card.brand,
            "category": {"id": card.category.id, "name": card.category.name, "path": card.category.path},
            "attributes": [{"name": a.name, "kind": a.kind, "value": a.value} for a in card.attributes],
            "price": {"amount": card.price.amount, "currency": card.price.currency},
            "available": card.available,
            "in_stock": card.in_stock,
            "image_urls": card.image_urls,
            "published_at": card.published_at.isoformat(),
        },
        separators=(",", ":"),
    )


def _decode(raw: str) -> PublicCard:
    d: dict[str, Any] = json.loads(raw)
    category = d["category"]
    return PublicCard(
        id=d["id"],
        seller_id=d["seller_id"],
        title=d["title"],
        description=d["description"],
        brand=d["brand"],
        category=CategoryRef(category["id"], category["name"], list(category["path"])),
        attributes=[AttributeView(a["name"], a["kind"], a["value"]) for a in d["attributes"]],
        price=Money(int(d["price"]["amount"]), d["price"]["currency"]),
        available=int(d["available"]),
        in_stock=bool(d["in_stock"]),
        image_urls=list(d["image_urls"]),
        published_at=datetime.fromisoformat(d["published_at"]),
    )


def _unavailable(doing: str, error: Exception) -> Unavailable:
    return Unavailable(f"the product cache is unavailable ({doing}): {type(error).__name__}: {error}")


class RedisProductCache:
    def __init__(self, redis: aioredis.Redis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds

    async def get(self, product_id: str) -> PublicCard | None:
        try:
            raw = await self.redis.get(card_key(product_id))
        except (RedisError, OSError) as error:
            raise _unavailable("reading a card", error) from error
        if raw is None:
            return None
        try:
            return _decode(raw if isinstance(raw, str) else raw.decode())
        except (ValueError, KeyError, TypeError) as error:
            log.warning("unreadable cached card %s (%s): treated as a miss", product_id, error)
            return None

    async def put(self, card: PublicCard) -> None:
        try:
            await self.redis.set(card_key(card.id), _encode(card), ex=self.ttl_seconds)
        except (RedisError, OSError) as error:
            raise _unavailable("storing a card", error) from error

    async def forget(self, product_ids: Sequence[str]) -> None:
        keys = [card_key(p) for p in dict.fromkeys(product_ids)]
        try:
            for start in range(0, len(keys), _FORGET_BATCH):
                await self.redis.delete(*keys[start : start + _FORGET_BATCH])
        except (RedisError, OSError) as error:
            raise _unavailable("dropping cards", error) from error
