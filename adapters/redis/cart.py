"""Carts in Redis: one hash per cart.

``cart:<cart id>`` holds a field per product id (its quantity) and three of its own, named with an "@" no
product id has: ``@version`` (the optimistic lock), ``@updated_at`` (the last change, ISO 8601) and
``@notes`` (JSON, only after a merge left something to say). A guest cart's key gets the guest time to
live on every save, so Redis drops a guest cart left alone that long; a user's cart keeps no TTL.

Each save runs as one script: compare the version, replace the hash, set or clear its TTL, and delete a
merged guest cart, all or nothing. The script touches two keys, which a standalone Redis or a Sentinel
pair allows (not a Cluster, where they could sit in different slots).
"""

from __future__ import annotations

import json
from datetime import datetime

import redis.asyncio as aioredis

from adapters.redis.client import unavailable_when_down
from core.cart.model import Cart

PREFIX = "cart:"
VERSION, UPDATED_AT, NOTES = "@version", "@updated_at", "@notes"

# KEYS[1]: the cart, KEYS[2]: a cart to delete with it (optional). ARGV[1]: the version the change was
# made from, ARGV[2]: seconds to live (0: forever), ARGV[3...]: field, value, field, value...
_SAVE = """
local stored = redis.call('HGET', KEYS[1], '@version') or '0'
if stored ~= ARGV[1] then
    return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
local ttl = tonumber(ARGV[2])
if ttl > 0 then
    redis.call('EXPIRE', KEYS[1], ttl)
end
if KEYS[2] then
    redis.call('DEL', KEYS[2])
end
return 1
"""


def cart_key(cart_id: str) -> str:
    return PREFIX + cart_id


def _fields(cart: Cart, version: int) -> list[str]:
    fields = [VERSION, str(version)]
    if cart.updated_at is not None:
        fields += [UPDATED_AT, cart.updated_at.isoformat()]
    if cart.notes:
        fields += [NOTES, json.dumps(cart.notes)]
    for product_id, quantity in cart.lines.items():
        fields += [product_id, str(quantity)]
    return fields


def _decode(cart_id: str, raw: dict[str, str]) -> Cart:
    version = int(raw.pop(VERSION, "0"))
    updated_at = raw.pop(UPDATED_AT, None)
    notes = raw.pop(NOTES, None)
    return Cart(
        id=cart_id,
        lines={product_id: int(quantity) for product_id, quantity in raw.items()},
        notes=list(json.loads(notes)) if notes else [],
        updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
        version=version,
    )


class RedisCartStore:
    def __init__(self, redis: aioredis.Redis, guest_ttl_seconds: int) -> None:
        if guest_ttl_seconds < 1:
            raise ValueError(f"a guest cart must live at least 1 second, not {guest_ttl_seconds}")
        self.redis = redis
        self.guest_ttl_seconds = guest_ttl_seconds
        self._save = redis.register_script(_SAVE)

    async def get(self, cart_id: str) -> Cart | None:
        with unavailable_when_down("reading a cart"):
            raw = await self.redis.hgetall(cart_key(cart_id))
        return _decode(cart_id, {str(k): str(v) for k, v in raw.items()}) if raw else None

    async def save(self, cart: Cart, *, discard: str | None = None) -> bool:
        keys = [cart_key(cart.id)]
        if discard is not None and discard != cart.id:
            keys.append(cart_key(discard))
        ttl = self.guest_ttl_seconds if cart.is_guest else 0
        with unavailable_when_down("saving a cart"):
            saved = await self._save(keys=keys, args=[cart.version, ttl, *_fields(cart, cart.version + 1)])
        if not int(saved):
            return False
        cart.version += 1
        return True

    async def delete(self, cart_id: str) -> None:
        with unavailable_when_down("deleting a cart"):
            await self.redis.delete(cart_key(cart_id))
