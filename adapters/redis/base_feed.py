"""The base feed in Redis, one generation per ``replace``, switched to at once.

``<prefix>:<generation>`` is a hash: a field per list, ``<kind>:<category id>`` (``<kind>:*`` for the
whole shop), holding the JSON array of its product ids, and ``@built_at``. ``<prefix>:current`` names the
generation readers get; ``<prefix>:generation`` counts them. A replace writes the new hash first (with a
time to live, so a replace that dies half-way leaves nothing for ever), then in one MULTI/EXEC points
``current`` at it, makes it permanent and gives the previous generation ``grace_seconds`` to live. A
reader reads the pointer, then its list: one that read the old pointer just before the switch still finds
the old generation, whole. Every list a reader gets is therefore one written by a single replace, and a
list the new feed lacks is gone with the old generation. The switch WATCHes the pointer, so two replaces
at once each expire the generation they replaced, and none is left behind.

A reader slower than the grace period (the generation it pointed at expired before its second read) sees
no ``@built_at`` there, and reads the pointer again.
"""

from __future__ import annotations

import json

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from adapters.redis.client import unavailable_when_down
from core.recommendations.model import BaseFeed, FeedKind, FeedList
from core.shared.errors import Unavailable

PREFIX = "marketplace:base-feed"
BUILT_AT = "@built_at"
# How long a replaced generation stays readable: far longer than a reader takes between its two reads.
GRACE_SECONDS = 60
# A generation written but not (yet) switched to: long enough for any replace to switch.
UNSWITCHED_SECONDS = 3600
_READ_TRIES = 3


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _field(kind: FeedKind, category_id: str | None) -> str:
    return f"{kind.value}:{'*' if category_id is None else category_id}"


class RedisBaseFeedStore:
    def __init__(self, redis: aioredis.Redis, prefix: str = PREFIX, grace_seconds: int = GRACE_SECONDS) -> None:
        if grace_seconds < 1:
            raise ValueError(f"a replaced base feed must stay readable at least 1 second, not {grace_seconds}")
        self.redis = redis
        self.prefix = prefix
        self.grace_seconds = grace_seconds
        self.current = f"{prefix}:current"
        self.counter = f"{prefix}:generation"

    def generation_key(self, generation: str | bytes) -> str:
        return f"{self.prefix}:{_text(generation)}"

    async def replace(self, feed: BaseFeed) -> None:
        fields = [BUILT_AT, feed.built_at.isoformat()]
        for f in feed.lists:
            fields += [_field(f.kind, f.category_id), json.dumps(list(f.product_ids))]
        with unavailable_when_down("replacing the base feed"):
            generation = str(await self.redis.incr(self.counter))
            key = self.generation_key(generation)
            async with self.redis.pipeline(transaction=True) as tx:
                tx.delete(key)  # only ever there if the counter was lost: no stale field may stay
                tx.hset(key, items=fields)
                tx.expire(key, UNSWITCHED_SECONDS)
                await tx.execute()

            async def switch(tx: Pipeline) -> None:
                previous = await tx.get(self.current)  # WATCHed: a switch by another replace retries this
                tx.multi()  # type: ignore[no-untyped-call]
                tx.set(self.current, generation)
                tx.persist(key)
                if previous is not None and _text(previous) != generation:
                    tx.expire(self.generation_key(previous), self.grace_seconds)

            await self.redis.transaction(switch, self.current)

    async def list(self, kind: FeedKind, category_id: str | None) -> FeedList | None:
        field = _field(kind, category_id)
        with unavailable_when_down("reading the base feed"):
            for _ in range(_READ_TRIES):
                generation = await self.redis.get(self.current)
                if generation is None:
                    return None
                product_ids, built_at = await self.redis.hmget(self.generation_key(generation), [field, BUILT_AT])
                if built_at is None:  # replaced and expired between the two reads: read the pointer again
                    continue
                if product_ids is None:
                    return None
                return FeedList(kind, category_id, tuple(json.loads(product_ids)))
        raise Unavailable("the base feed was replaced under every read: Redis answers too slowly")
