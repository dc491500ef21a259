"""Carts in memory, kept as the Redis store keeps them: guest carts expire after their time to live.

Expiry runs on a monotonic clock (real time by default), like Redis's own key expiry, not on the domain's
clock: a guest cart's lifetime is a storage matter, and the contract suite checks both stores alike.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from adapters.memory.expiring import Expiring
from core.cart.model import Cart


class MemoryCartStore:
    def __init__(self, guest_ttl_seconds: int, monotonic: Callable[[], float] = time.monotonic) -> None:
        if guest_ttl_seconds < 1:
            raise ValueError(f"a guest cart must live at least 1 second, not {guest_ttl_seconds}")
        self.guest_ttl_seconds = guest_ttl_seconds
        self._now = monotonic
        self._carts: Expiring[str, Cart] = Expiring(monotonic)  # a user's cart never expires

    def _live(self, cart_id: str) -> Cart | None:
        return self._carts.get(cart_id)

    async def get(self, cart_id: str) -> Cart | None:
        cart = self._live(cart_id)
        return None if cart is None else copy.deepcopy(cart)

    async def save(self, cart: Cart, *, discard: str | None = None) -> bool:
        current = self._live(cart.id)
        if (current.version if current is not None else 0) != cart.version:
            return False
        cart.version += 1
        expires = self._now() + self.guest_ttl_seconds if cart.is_guest else None
        self._carts.set(cart.id, copy.deepcopy(cart), expires)
        if discard is not None and discard != cart.id:
            self._carts.pop(discard)
        return True

    async def delete(self, cart_id: str) -> None:
        self._carts.pop(cart_id)
