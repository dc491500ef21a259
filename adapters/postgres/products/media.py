"""Product images in ``products.images``; behave exactly as ``adapters.memory.product_media``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from adapters.postgres.pool import unavailable_on_failure
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.products.media import ImageStatus, MediaPolicy, ProductImage
from core.shared.errors import Conflict
from ports.product_media import ImageRepository

_SELECT = """
SELECT image_id, product_id, seller_id, object_key, content_type, size, status, position, upload_expires_at,
       created_at, updated_at
FROM products.images
"""
_INSERT = """
INSERT INTO products.images (image_id, product_id, seller_id, object_key, content_type, size, status, position,
                             upload_expires_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT DO NOTHING
RETURNING true
"""
_UPDATE = """
UPDATE products.images
SET product_id = $2, seller_id = $3, object_key = $4, content_type = $5, size = $6, status = $7, position = $8,
    upload_expires_at = $9, created_at = $10, updated_at = $11
WHERE image_id = $1
"""
_READY = _SELECT + " WHERE product_id = ANY($1::text[]) AND status = 'ready' ORDER BY product_id, position, image_id"


def _image(row: Any) -> ProductImage:
    return ProductImage(
        image_id=row["image_id"],
        product_id=row["product_id"],
        seller_id=row["seller_id"],
        key=row["object_key"],
        content_type=row["content_type"],
        size=row["size"],
        status=ImageStatus(row["status"]),
        position=row["position"],
        upload_expires_at=row["upload_expires_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _values(image: ProductImage) -> tuple[Any, ...]:
    return (
        image.image_id,
        image.product_id,
        image.seller_id,
        image.key,
        image.content_type,
        image.size,
        image.status.value,
        image.position,
        image.upload_expires_at,
        image.created_at,
        image.updated_at,
    )


class PostgresImageRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    async def add(self, image: ProductImage) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        if not await self.conn.fetchval(_INSERT, *_values(image)):
            raise Conflict("another image was added to this product at the same time; try again")
        self.seen.add(image)

    async def get(self, image_id: str) -> ProductImage | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE image_id = $1", image_id)
        if row is None:
            return None
        image = _image(row)
        self.seen.add(image)
        return image

    async def list_for_product(self, product_id: str) -> list[ProductImage]:
        rows = await self.conn.fetch(_SELECT + " WHERE product_id = $1 ORDER BY position, image_id", product_id)
        images = [_image(r) for r in rows]
        for image in images:
            self.seen.add(image)
        return images

    async def ready_for_products(self, product_ids: Sequence[str]) -> list[ProductImage]:
        return [_image(r) for r in await self.conn.fetch(_READY, list(product_ids))]

    async def update(self, image: ProductImage) -> None:
        await self.conn.execute(_UPDATE, *_values(image))
        self.seen.add(image)

    async def remove(self, image: ProductImage) -> None:
        await self.conn.execute("DELETE FROM products.images WHERE image_id = $1", image.image_id)
        self.seen.add(image)


class PostgresMediaUnitOfWork(PostgresUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``MediaUnitOfWork`` (mutable protocol members).
    images: ImageRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.images = PostgresImageRepository(conn, self.seen)


class PostgresProductImages:
    """``ports.catalog.ProductImages``: one query for the ready images of many products."""

    def __init__(self, pool: asyncpg.Pool, policy: MediaPolicy) -> None:
        self.pool, self.policy = pool, policy

    async def urls(self, product_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {product_id: [] for product_id in product_ids}
        with unavailable_on_failure("the products database is unavailable"):
            rows = await self.pool.fetch(_READY, list(set(product_ids)))
        for row in rows:
            found[row["product_id"]].append(self.policy.url(row["object_key"]))
        return found
