"""Commands and results of the search use cases.

The indexing commands come from the products, sellers and reviews events (entrypoints/consumers/search.py);
the query commands from the public search routes.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from core.search.model import Attribute, Sort
from core.shared.money import Money
from core.shared.pagination import PageRequest

# --- indexing ------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class IndexProduct:
    """A card as it was published (first publication, or an approved edit replacing it)."""

    product_id: str
    seller_id: str
    revision: int
    title: str
    description: str
    brand: str
    attributes: tuple[Attribute, ...]
    category_id: str
    category_path: tuple[str, ...]
    price: Money
    available: int
    image_urls: tuple[str, ...]
    published_at: datetime


@attrs.frozen
class RemoveProduct:
    product_id: str


@attrs.frozen
class ChangeAvailability:
    product_id: str
    available: int


@attrs.frozen
class ChangeImages:
    product_id: str
    image_urls: tuple[str, ...]


@attrs.frozen
class ChangeRating:
    """A product's ratings now, as the reviews context announced them (reviews.RatingUpdated)."""

    product_id: str
    average: float  # stars, two decimals; 0 without reviews
    count: int  # published reviews


@attrs.frozen
class ListSeller:
    """A seller was verified: the storefront can be found under this name."""

    seller_id: str
    display_name: str


@attrs.frozen
class UpdateStorefront:
    seller_id: str
    display_name: str
    description: str
    logo_url: str | None


@attrs.frozen
class DelistSeller:
    """A seller was suspended."""

    seller_id: str


@attrs.frozen
class RelistSeller:
    """A suspended seller was reinstated."""

    seller_id: str


# --- queries -------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FindProducts:
    """A customer's product search. Prices are minor units of ``currency``, which a price bound needs."""

    text: str = ""
    category_id: str | None = None
    brands: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    currency: str | None = None
    min_rating: float | None = None
    in_stock: bool = False
    seller_id: str | None = None
    sort: Sort = Sort.RELEVANCE
    page: PageRequest = attrs.field(factory=PageRequest)


@attrs.frozen
class Suggest:
    text: str
    limit: int = 8


@attrs.frozen
class FindSellers:
    text: str = ""
    page: PageRequest = attrs.field(factory=PageRequest)


@attrs.frozen
class ProductHitView:
    id: str
    title: str
    brand: str
    price: Money
    available: int
    in_stock: bool
    image_url: str | None
    rating: float  # the average of the published reviews' stars; 0.0 without reviews
    review_count: int
    seller_id: str
    category_id: str
    score: float


@attrs.frozen
class CategoryFacet:
    id: str
    count: int


@attrs.frozen
class BrandFacet:
    value: str
    count: int


@attrs.frozen
class PriceFacet:
    """Products priced from ``lower`` (included) to ``upper`` (excluded; None: no upper bound)."""

    lower: int
    upper: int | None
    count: int


@attrs.frozen
class FacetsView:
    category: list[CategoryFacet]
    brand: list[BrandFacet]
    price: list[PriceFacet]
    price_currency: str | None  # the currency of the price buckets


@attrs.frozen
class ProductSearchView:
    items: list[ProductHitView]
    total: int
    facets: FacetsView
    next_cursor: str | None


@attrs.frozen
class SuggestionView:
    text: str
    kind: str  # "brand" or "title"


@attrs.frozen
class SellerHitView:
    seller_id: str
    display_name: str
    description: str
    logo_url: str | None
    score: float


@attrs.frozen
class SellerSearchView:
    items: list[SellerHitView]
    next_cursor: str | None
