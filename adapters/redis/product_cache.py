"""Public product cards cached in Redis: ``product_card:v3:<product id>`` holds the card as the shop serves
it (its JSON document, ``core.shared.documents.render``), with a TTL.

A hit is passed on as the stored bytes, unread (``get_document``): the shop's card read then costs one
GET and no decoding. The key is versioned: entries another version wrote under another shape are never
read as documents (v3: the card shows its rating, which v2's did not). The TTL bounds how long a card can
stay stale when an invalidation was lost (Redis was down when the card changed, or a reader put an older
card back just after a writer dropped it). Any Redis failure, not only "down", is reported as
``Unavailable``: the shop then reads the database and the cache is a speed-up again once Redis answers.
An entry that cannot be read back counts as a miss.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.client import NEVER_DECODE
from redis.exceptions import RedisError

from adapters.redis.near_cache import NearCache
from core.products.commands import PublicCard
from core.shared.documents import JsonDocument, read, render
from core.shared.errors import Unavailable

log = logging.getLogger(__name__)

PREFIX = "product_card:v3:"
# DEL takes many keys; a bounded batch keeps one command from blocking Redis for long.
_FORGET_BATCH = 500


def card_key(product_id: str) -> str:
    return PREFIX + product_id


def _unavailable(doing: str, error: Exception) -> Unavailable:
    return Unavailable(f"the product cache is unavailable ({doing}): {type(error).__name__}: {error}")


class RedisProductCache:
    """``near``, when given, keeps copies of the cards read here, coherent with Redis (see
    ``adapters.redis.near_cache``): a card read again costs no round trip."""

    def __init__(self, redis: aioredis.Redis, ttl_seconds: int, near: NearCache | None = None) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.near = near

    async def get(self, product_id: str) -> PublicCard | None:
        document = await self.get_document(product_id)
        if document is None:
            return None
        try:
            return read(document, PublicCard)
        except ValueError as error:
            log.warning("unreadable cached card %s (%s): treated as a miss", product_id, error)
            return None

    async def get_document(self, product_id: str) -> JsonDocument | None:
        key, near, version = card_key(product_id), self.near, 0
        if near is not None:
            copy = near.get(key)
            if copy is not None:
                return JsonDocument(copy)
            version = near.version
        try:
            # Bytes as stored: the client decodes every other answer to text, this one is served as is.
            raw = await self.redis.execute_command("GET", key, **{NEVER_DECODE: True})  # type: ignore[no-untyped-call]
        except (RedisError, OSError) as error:
            raise _unavailable("reading a card", error) from error
        if raw is None:
            return None
        if near is not None:
            near.keep(key, raw, version)
        return JsonDocument(raw)

    async def put(self, card: PublicCard) -> None:
        if self.near is not None:
            self.near.forget([card_key(card.id)])
        try:
            await self.redis.set(card_key(card.id), render(card).content, ex=self.ttl_seconds)
        except (RedisError, OSError) as error:
            raise _unavailable("storing a card", error) from error

    async def forget(self, product_ids: Sequence[str]) -> None:
        keys = [card_key(p) for p in dict.fromkeys(product_ids)]
        if self.near is not None:
            self.near.forget(keys)
        try:
            for start in range(0, len(keys), _FORGET_BATCH):
                await self.redis.delete(*keys[start : start + _FORGET_BATCH])
        except (RedisError, OSError) as error:
            raise _unavailable("dropping cards", error) from error
