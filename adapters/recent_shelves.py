"""``ports.catalog.ProductShelves`` with a memory of the shelves read lately, in front of the catalogue.

The activity worker asks where a product sits for every action it records, and a product's shelf (its
category and brand) changes only when a seller moves it, which is rare: a few minutes of staleness at
most sends one action's taste to the previous category. Without it, each view costs the worker two reads
of the products database (the card and its category's lineage).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from adapters.memory.expiring import Expiring
from ports.catalog import ProductShelves, Shelf


class RecentShelves:
    def __init__(self, shelves: ProductShelves, ttl_seconds: float = 300.0, capacity: int = 50_000) -> None:
        self.catalog, self.ttl_seconds, self.capacity = shelves, ttl_seconds, capacity
        self._known: Expiring[str, Shelf] = Expiring()

    async def shelves(self, product_ids: Sequence[str]) -> dict[str, Shelf]:
        found: dict[str, Shelf] = {}
        missing: list[str] = []
        for product_id in product_ids:
            shelf = self._known.get(product_id)
            if shelf is None:
                missing.append(product_id)
            else:
                found[product_id] = shelf
        if missing:
            read = await self.catalog.shelves(missing)
            # Only what the catalogue knows is kept: a product published a moment later gets its shelf.
            if len(self._known) + len(read) > self.capacity:
                self._known.sweep()  # the expired ones first; a map still full takes nothing new
            deadline = time.monotonic() + self.ttl_seconds
            for product_id, shelf in read.items():
                if len(self._known) < self.capacity:
                    self._known.set(product_id, shelf, deadline)
            found.update(read)
        return found
