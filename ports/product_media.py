"""What the product images need from the outside world (besides ``ports.storage`` for their bytes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.products.media import ProductImage


class ImageRepository(Protocol):
    async def add(self, image: ProductImage) -> None:
        """Store a new image; raise ``Conflict`` if its id, or its product's position, is taken already."""
        ...

    async def get(self, image_id: str) -> ProductImage | None: ...

    async def list_for_product(self, product_id: str) -> list[ProductImage]:
        """Every image of the product (pending and ready), in position order."""
        ...

    async def ready_for_products(self, product_ids: Sequence[str]) -> list[ProductImage]:
        """The ready images of these products, by product id and then position."""
        ...

    async def update(self, image: ProductImage) -> None: ...

    async def remove(self, image: ProductImage) -> None: ...


class MediaUnitOfWork(UnitOfWork, Protocol):
    images: ImageRepository
