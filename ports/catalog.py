"""Ports between the parts of the products context, and from other contexts into the catalogue.

The products context has three aggregates with their own units of work over the products database:
product cards (with categories), stock levels and product images. They ask each other through these
ports; other contexts (the cart now, orders later) ask ``ProductCatalog``. A seller's id is the user id
of the account that applied as a seller (one seller account per user).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.shared.money import Money
from core.shared.pagination import Page, PageRequest


class ProductOwnership(Protocol):
    async def owner_of(self, product_id: str) -> str | None:
        """The seller id owning the product (whatever its status), or None if there is no such product."""
        ...


class StockLevels(Protocol):
    async def available(self, product_ids: Sequence[str]) -> dict[str, int]:
        """Units that can still be sold (on hand minus reserved) per product; 0 for unknown products."""
        ...


class ProductImages(Protocol):
    async def urls(self, product_ids: Sequence[str]) -> dict[str, list[str]]:
        """The public (CDN) URLs of each product's ready images, in display order; [] when none."""
        ...


@dataclass(frozen=True)
class Offer:
    """What a buyer can be offered of a published product right now."""

    product_id: str
    seller_id: str
    title: str
    price: Money
    available: int
    image_url: str | None
    purchasable: bool  # published, seller not suspended, and at least one unit available


class ProductCatalog(Protocol):
    async def offers(self, product_ids: Sequence[str]) -> dict[str, Offer]:
        """The current offer of each published product among ``product_ids`` (unpublished ones are absent)."""
        ...


@dataclass(frozen=True)
class PublishedCard:
    """A card as the shop shows it now: what its ``ProductPublished`` event told, with today's stock and
    images (what the search index is rebuilt from)."""

    product_id: str
    seller_id: str
    revision: int
    title: str
    description: str
    brand: str
    category_id: str
    category_path: tuple[str, ...]  # ids from the root category down to category_id
    attributes: tuple[tuple[str, str, str], ...]  # (name, kind, canonical value)
    price: Money
    available: int
    image_urls: tuple[str, ...]
    published_at: datetime


class PublishedCards(Protocol):
    async def published(self, page: PageRequest) -> Page[PublishedCard]:
        """Every card the shop shows (published, its seller not suspended), latest publication first."""
        ...


@dataclass(frozen=True)
class Shelf:
    """Where a product sits in the shop: its category (ids from the root down) and its brand."""

    category_path: tuple[str, ...]
    brand: str


class ProductShelves(Protocol):
    async def shelves(self, product_ids: Sequence[str]) -> dict[str, Shelf]:
        """The shelf of each product among ``product_ids`` that has ever been published (as its latest
        publication placed it); the others are absent."""
        ...
