"""In-memory adapters of the product image ports, and the image URLs the rest of the catalogue reads.

They behave as ``adapters.postgres.products.media``: a product's images keep distinct positions (checked
at commit, as the table's unique constraint checks them), so two requests racing for a product's last
image slot cannot both win.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.products.media import MediaPolicy, ProductImage
from core.shared.errors import Conflict
from ports.product_media import ImageRepository
from ports.shared import EventPublisher


class MediaTables:
    def __init__(self) -> None:
        self.images = MemoryTable("product_images")


def _in_order(images: list[ProductImage]) -> list[ProductImage]:
    return sorted(images, key=lambda i: (i.product_id, i.position, i.image_id))


class MemoryImageRepository:
    def __init__(self, tables: MediaTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.images, tx, seen

    async def add(self, image: ProductImage) -> None:
        if self.tx.get(self.table, image.image_id) is not None:
            raise Conflict("an image with this id exists already")
        self.tx.put(self.table, image.image_id, image)
        self.tx.check_at_commit(lambda: self._position_free(image))
        self.seen.add(image)

    def _position_free(self, image: ProductImage) -> None:
        for row in self.table.rows.values():
            if row.product_id == image.product_id and row.position == image.position and row.image_id != image.image_id:
                still_there = self.tx.get(self.table, row.image_id)
                if still_there is not None and still_there.position == image.position:
                    raise Conflict("another image was added to this product at the same time; try again")

    async def get(self, image_id: str) -> ProductImage | None:
        image: ProductImage | None = self.tx.get(self.table, image_id)
        if image is not None:
            self.seen.add(image)
        return image

    async def list_for_product(self, product_id: str) -> list[ProductImage]:
        images = _in_order(list(self.tx.scan(self.table, where=lambda i: i.product_id == product_id)))
        for image in images:
            self.seen.add(image)
        return images

    async def ready_for_products(self, product_ids: Sequence[str]) -> list[ProductImage]:
        wanted = set(product_ids)
        return _in_order(list(self.tx.scan(self.table, where=lambda i: i.product_id in wanted and i.ready)))

    async def update(self, image: ProductImage) -> None:
        self.tx.put(self.table, image.image_id, image)
        self.seen.add(image)

    async def remove(self, image: ProductImage) -> None:
        self.tx.delete(self.table, image.image_id)
        self.seen.add(image)


class MemoryMediaUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    images: ImageRepository

    def __init__(self, tables: MediaTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.images = MemoryImageRepository(self.tables, self.tx, self.seen)


class MemoryProductImages:
    """``ports.catalog.ProductImages`` over the committed images."""

    def __init__(self, tables: MediaTables, policy: MediaPolicy) -> None:
        self.tables, self.policy = tables, policy

    async def urls(self, product_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {product_id: [] for product_id in product_ids}
        for image in await MemoryImageRepository(self.tables, MemoryTransaction(), SeenAggregates()).ready_for_products(
            product_ids
        ):
            found[image.product_id].append(self.policy.url(image.key))
        return found
