"""``ports.products.ShopCards`` in one query: the shop's card read, the busiest read there is.

A card as the shop shows it needs its live version, its seller's standing, its category's lineage, its
availability and its images: five tables of the products schema, all of one context (catalogue, stock
and media are the products context's three aggregates). One statement reads them all, so a card that
is not cached costs one round trip, as a bare handler reading the product row would.
"""

from __future__ import annotations

import asyncpg

from adapters.postgres.pool import unavailable_on_failure
from adapters.postgres.products.repository import CARD_COLUMNS, product_of
from core.products.categories import Category
from core.products.media import MediaPolicy
from core.products.model import ShownCard

_SHOWN_CARD = f"""
SELECT {CARD_COLUMNS},
    EXISTS (SELECT 1 FROM products.suspended_sellers s WHERE s.seller_id = c.seller_id) AS seller_suspended,
    coalesce((SELECT i.on_hand - i.reserved FROM products.stock_items i WHERE i.product_id = c.id), 0) AS available,
    ARRAY(
        SELECT m.object_key FROM products.images m
        WHERE m.product_id = c.id AND m.status = 'ready' ORDER BY m.position, m.image_id
    ) AS image_keys,
    ARRAY(
        WITH RECURSIVE up AS (
            SELECT k.id, k.parent_id, k.name, k.slug, k.created_at, k.updated_at
            FROM products.categories k WHERE k.id = c.live_category_id
            UNION
            SELECT p.id, p.parent_id, p.name, p.slug, p.created_at, p.updated_at
            FROM products.categories p JOIN up ON p.id = up.parent_id
        )
        SELECT (id, parent_id, name, slug, created_at, updated_at) FROM up
    ) AS lineage
FROM products.cards c
WHERE c.id = $1
"""  # noqa: S608 - only the constant column list is formatted in


class PostgresShopCards:
    def __init__(self, pool: asyncpg.Pool, policy: MediaPolicy) -> None:
        self.pool, self.policy = pool, policy

    async def shown(self, product_id: str) -> ShownCard | None:
        with unavailable_on_failure("the products database is unavailable"):
            row = await self.pool.fetchrow(_SHOWN_CARD, product_id)
        if row is None:
            return None
        return ShownCard(
            product=product_of(row),
            seller_suspended=row["seller_suspended"],
            lineage=[
                Category(id=c[0], parent_id=c[1], name=c[2], slug=c[3], created_at=c[4], updated_at=c[5])
                for c in row["lineage"]
            ],
            available=row["available"],
            image_urls=[self.policy.url(key) for key in row["image_keys"]],
        )
