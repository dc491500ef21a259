"""Commands and views of the catalogue: categories and product cards."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.products.events import StockLine
from core.products.model import ProductStatus
from core.products.stock import ReservationState
from core.shared.images import UploadInstructions
from core.shared.money import Money
from core.shared.pagination import PageRequest
from core.shared.security import Principal

# --- categories -------------------------------------------------------------------------------------


@attrs.frozen
class CreateCategory:
    principal: Principal
    name: str
    parent_id: str | None = None


@attrs.frozen
class RenameCategory:
    principal: Principal
    category_id: str
    name: str


@attrs.frozen
class ShowCategories:
    """The whole tree, each level in name order."""


@attrs.frozen
class CategoryView:
    """A category and where it sits: ``path`` holds the names from the root down to this one."""

    id: str
    name: str
    slug: str
    parent_id: str | None
    path: list[str]


@attrs.frozen
class CategoryNode:
    id: str
    name: str
    slug: str
    children: list[CategoryNode]


# --- the seller's cards ------------------------------------------------------------------------------


@attrs.frozen
class AttributeInput:
    """An attribute as the seller sends it; ``value`` is checked against ``kind`` by the use case."""

    name: str
    kind: str
    value: object


@attrs.frozen
class PriceInput:
    amount: int
    currency: str


@attrs.frozen
class CreateProduct:
    principal: Principal
    sku: str
    title: str
    category_id: str
    price: PriceInput
    description: str = ""
    brand: str = ""
    attributes: tuple[AttributeInput, ...] = ()


@attrs.frozen
class EditProduct:
    """Only the fields given (not None) change."""

    principal: Principal
    product_id: str
    sku: str | None = None
    title: str | None = None
    description: str | None = None
    brand: str | None = None
    category_id: str | None = None
    price: PriceInput | None = None
    attributes: tuple[AttributeInput, ...] | None = None


@attrs.frozen
class SubmitProduct:
    principal: Principal
    product_id: str


@attrs.frozen
class ArchiveProduct:
    principal: Principal
    product_id: str


@attrs.frozen
class GetMyProduct:
    principal: Principal
    product_id: str


@attrs.frozen
class ListMyProducts:
    principal: Principal
    status: ProductStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class AttributeView:
    name: str
    kind: str
    value: str | float | bool


@attrs.frozen
class SellerProductView:
    """The seller's card: the working revision, and what customers see of it (``published_revision``)."""

    id: str
    seller_id: str
    sku: str
    status: ProductStatus
    revision: int
    title: str
    description: str
    brand: str
    category_id: str
    attributes: list[AttributeView]
    price: Money
    rejection_reasons: list[str]
    published_revision: int | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- events from other contexts ----------------------------------------------------------------------


@attrs.frozen
class ApplyModerationDecision:
    product_id: str
    revision: int
    approved: bool
    reasons: tuple[str, ...] = ()


@attrs.frozen
class HideSuspendedSeller:
    seller_id: str


@attrs.frozen
class ShowReinstatedSeller:
    seller_id: str


@attrs.frozen
class ForgetCards:
    """Something a public card shows changed outside the catalogue (stock, images, ratings)."""

    product_ids: tuple[str, ...]


# --- the shop ----------------------------------------------------------------------------------------


@attrs.frozen
class BrowseProducts:
    category_id: str | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class GetProduct:
    product_id: str


@attrs.frozen
class CategoryRef:
    id: str
    name: str
    path: list[str]  # names from the root down to this category


STARS = 5


def no_stars() -> list[int]:
    return [0] * STARS


@attrs.frozen
class CardRating:
    """What customers who reviewed the product think of it: ``count`` published reviews, their mean
    ``average`` (two decimals) and ``stars[n - 1]`` reviews giving n stars; zeros before any review."""

    count: int = 0
    average: float = 0.0
    stars: list[int] = attrs.Factory(no_stars)


@attrs.frozen
class PublicCard:
    """A published product as customers see it; its rating comes from the reviews context."""

    id: str
    seller_id: str
    title: str
    description: str
    brand: str
    category: CategoryRef
    attributes: list[AttributeView]
    price: Money
    available: int
    in_stock: bool
    image_urls: list[str]
    published_at: datetime
    rating: CardRating


# --- stock ---------------------------------------------------------------------------------------------


@attrs.frozen
class GetStock:
    principal: Principal
    product_id: str


@attrs.frozen
class SetOnHand:
    principal: Principal
    product_id: str
    quantity: int


@attrs.frozen
class ReserveForOrder:
    order_id: str
    lines: list[StockLine]


@attrs.frozen
class ReleaseForOrder:
    order_id: str


@attrs.frozen
class CommitForOrder:
    order_id: str


@attrs.frozen
class StockView:
    product_id: str
    on_hand: int
    reserved: int
    available: int


@attrs.frozen
class ReservationView:
    """An order's reservation as it stands: ``unavailable`` names the short lines of a failed one."""

    order_id: str
    state: ReservationState
    lines: list[StockLine]
    unavailable: list[StockLine]

    @property
    def reserved(self) -> bool:
        return self.state is ReservationState.RESERVED


# --- images --------------------------------------------------------------------------------------------


@attrs.frozen
class RequestUpload:
    principal: Principal
    product_id: str
    content_type: str
    size: int  # bytes the seller will upload: no more (an upload target may require exactly this many)


@attrs.frozen
class ConfirmUpload:
    principal: Principal
    product_id: str
    image_id: str


@attrs.frozen
class ListImages:
    principal: Principal
    product_id: str


@attrs.frozen
class RemoveImage:
    principal: Principal
    product_id: str
    image_id: str


@attrs.frozen
class ImageUpload:
    """A pending image: upload the file as instructed, then confirm the image."""

    image_id: str
    upload: UploadInstructions


@attrs.frozen
class ImageView:
    image_id: str
    product_id: str
    status: str
    content_type: str
    size: int
    position: int
    url: str | None  # the public (CDN) URL, once the image is ready
    created_at: datetime
