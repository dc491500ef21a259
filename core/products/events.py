"""Events of the products context: the catalogue's lifecycle and stock.

Moderation reviews ``ProductSubmitted``; search indexes ``ProductPublished`` and drops
``ProductUnpublished``; the orchestrator (later) follows the stock events of an order. Change a payload
only by adding a new version of the event.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from core.shared.events import Event, domain_event
from core.shared.money import Money


@attrs.frozen
class ProductAttribute:
    """A typed attribute: ``kind`` is text, number or boolean; ``value`` its canonical text ("42", "true")."""

    name: str
    kind: str
    value: str


@attrs.frozen
class StockLine:
    product_id: str
    quantity: int


@domain_event("products.ProductCreated.v1", key="product_id")
@attrs.frozen(kw_only=True)
class ProductCreated(Event):
    product_id: str
    seller_id: str
    title: str


@domain_event("products.ProductSubmitted.v1", key="product_id")
@attrs.frozen(kw_only=True)
class ProductSubmitted(Event):
    """A revision of a card (a new one, or an edit of a published one) asks to be published."""

    product_id: str
    seller_id: str
    revision: int
    title: str
    description: str
    brand: str
    category_id: str
    attributes: list[ProductAttribute]
    price: Money
    sku: str
    image_count: int


@domain_event("products.ProductPublished.v1", key="product_id")
@attrs.frozen(kw_only=True)
class ProductPublished(Event):
    """What customers now see of the card (first publication, or an approved edit replacing it)."""

    product_id: str
    seller_id: str
    revision: int
    title: str
    description: str
    brand: str
    category_id: str
    category_path: list[str]  # ids from the root category down to category_id
    attributes: list[ProductAttribute]
    price: Money
    available: int
    image_urls: list[str]
    published_at: datetime


@domain_event("products.ProductRejected.v1", key="product_id")
@attrs.frozen(kw_only=True)
class ProductRejected(Event):
    product_id: str
    seller_id: str
    revision: int
    reasons: list[str]


@domain_event("products.ProductUnpublished.v1", key="product_id")
@attrs.frozen(kw_only=True)
class ProductUnpublished(Event):
    """Customers no longer see the card: archived by the seller, or the seller was suspended."""

    product_id: str
    seller_id: str
    reason: str


@domain_event("products.StockChanged.v1", key="product_id")
@attrs.frozen(kw_only=True)
class StockChanged(Event):
    product_id: str
    available: int


@domain_event("products.StockReserved.v1", key="order_id")
@attrs.frozen(kw_only=True)
class StockReserved(Event):
    order_id: str
    lines: list[StockLine]


@domain_event("products.StockReservationFailed.v1", key="order_id")
@attrs.frozen(kw_only=True)
class StockReservationFailed(Event):
    order_id: str
    unavailable: list[StockLine]  # each line the order wanted that could not be had in full


@domain_event("products.StockReleased.v1", key="order_id")
@attrs.frozen(kw_only=True)
class StockReleased(Event):
    order_id: str
    lines: list[StockLine]


@domain_event("products.StockCommitted.v1", key="order_id")
@attrs.frozen(kw_only=True)
class StockCommitted(Event):
    order_id: str
    lines: list[StockLine]


@domain_event("products.ProductImagesChanged.v1", key="product_id")
@attrs.frozen(kw_only=True)
class ProductImagesChanged(Event):
    """An image of the card became ready or was removed: ``image_urls`` are its ready images now, in order."""

    product_id: str
    seller_id: str
    image_urls: list[str]


@domain_event("products.CategoryCreated.v1", key="category_id")
@attrs.frozen(kw_only=True)
class CategoryCreated(Event):
    """A category joined the tree (under ``parent_id``, or at the root when it is None)."""

    category_id: str
    parent_id: str | None
    name: str
    slug: str


@domain_event("products.CategoryRenamed.v1", key="category_id")
@attrs.frozen(kw_only=True)
class CategoryRenamed(Event):
    category_id: str
    name: str
    slug: str
