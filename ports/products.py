"""What the catalogue (categories and product cards) needs from the outside world.

The catalogue's unit of work holds three repositories over one transaction: categories, cards, and the
small projection of suspended sellers (kept from the sellers context's events). The card read path of
the shop goes through ``ProductCache`` first (cache-aside).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.documents import JsonDocument
from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.products.categories import Category
    from core.products.commands import PublicCard
    from core.products.model import Product, ProductStatus, ShownCard


class CategoryRepository(Protocol):
    async def add(self, category: Category) -> None:
        """Store a new category; raise ``Conflict`` if a sibling has the same slug."""
        ...

    async def get(self, category_id: str) -> Category | None: ...

    async def update(self, category: Category) -> None:
        """Store a renamed category; raise ``Conflict`` if a sibling has the same slug."""
        ...

    async def all(self) -> list[Category]: ...

    async def lineage(self, category_ids: Sequence[str]) -> list[Category]:
        """The categories named (those that exist) and all their ancestors."""
        ...

    async def subtree(self, category_id: str) -> list[str]:
        """The id of ``category_id`` and of every category under it ([] if there is no such category)."""
        ...


class ProductRepository(Protocol):
    async def add(self, product: Product) -> None:
        """Store a new card; raise ``Conflict`` (naming the sku) if another live card of the seller has its SKU.

        Archived cards give up their SKU: a seller may list it again.
        """
        ...

    async def get(self, product_id: str) -> Product | None:
        """The card as last committed, whatever its status."""
        ...

    async def get_for_change(self, product_id: str) -> Product | None:
        """The card, kept from other writers until this unit of work ends (a row lock on PostgreSQL)."""
        ...

    async def update(self, product: Product) -> None:
        """Store a changed card; raise ``Conflict`` (naming the sku) as ``add`` does."""
        ...

    async def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        """The cards among ``product_ids`` that exist, in no particular order."""
        ...

    async def list_for_seller(self, seller_id: str, status: ProductStatus | None, page: PageRequest) -> Page[Product]:
        """The seller's cards (of ``status`` if given), newest first (created_at, then id, descending)."""
        ...

    async def live_of_seller(self, seller_id: str) -> list[Product]:
        """The seller's cards that have a live version, kept from other writers as ``get_for_change`` does."""
        ...

    async def live_in_categories(self, category_ids: Sequence[str]) -> list[str]:
        """Ids of the cards whose live version sits in one of ``category_ids``."""
        ...

    async def list_shown(self, category_ids: Sequence[str] | None, page: PageRequest) -> Page[Product]:
        """What the shop shows: cards with a live version whose seller is not suspended, in ``category_ids``
        (when given; by the live version's category), newest publication first (published_at, then id,
        descending)."""
        ...


class SuspendedSellers(Protocol):
    """The sellers context's suspensions, as the catalogue keeps them."""

    async def add(self, seller_id: str, since: datetime) -> bool:
        """Record a suspension; False if the seller was suspended already."""
        ...

    async def remove(self, seller_id: str) -> bool:
        """Forget a suspension; False if the seller was not suspended."""
        ...

    async def among(self, seller_ids: Sequence[str]) -> set[str]:
        """Which of ``seller_ids`` are suspended."""
        ...


class CatalogUnitOfWork(UnitOfWork, Protocol):
    categories: CategoryRepository
    products: ProductRepository
    suspended_sellers: SuspendedSellers


class ShopCards(Protocol):
    """The shop's read of one card: the card, its category's lineage, its seller's standing, its
    availability and its images, together (the shop's busiest read; one query on PostgreSQL)."""

    async def shown(self, product_id: str) -> ShownCard | None:
        """None when there is no such product."""
        ...


class ProductCache(Protocol):
    """Public cards by product id, in front of the database (cache-aside).

    Entries expire by themselves after a while; ``forget`` drops them at once. Any failure of the cache
    itself is reported as ``Unavailable``; readers then go to the database.
    """

    async def get(self, product_id: str) -> PublicCard | None: ...

    async def get_document(self, product_id: str) -> JsonDocument | None:
        """The same card as ``core.shared.documents.render`` wrote it: what the shop serves, unread."""
        ...

    async def put(self, card: PublicCard) -> None: ...

    async def forget(self, product_ids: Sequence[str]) -> None: ...
