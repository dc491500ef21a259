"""Catalogue routes: the category tree (admins build it), sellers' product cards, and the shop's cards."""

from __future__ import annotations

from typing import Any

import attrs

from core.products import commands as c
from core.products import use_cases as uc
from core.products.categories import CATEGORY_NAME_MAX
from core.products.model import (
    ATTRIBUTE_NAME_MAX,
    BRAND_MAX,
    DESCRIPTION_MAX,
    MAX_ATTRIBUTES,
    PRICE_MAX,
    SKU_MAX,
    TITLE_MAX,
    AttributeKind,
    ProductStatus,
)
from core.shared.documents import JsonDocument
from core.shared.errors import ValidationFailed
from core.shared.pagination import MAX_LIMIT, PageRequest
from entrypoints.http.activity import track
from entrypoints.http.routing import ADMIN, SELLER, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "products"
_ID = limits(max_length=64)
# Room for the whitespace the use cases fold away; they enforce the real limits and name the field.
_SLACK = 100


@attrs.frozen
class CategoryBody:
    """A new category: at the root, or under ``parent_id``."""

    name: str = attrs.field(metadata=limits(max_length=CATEGORY_NAME_MAX + _SLACK))
    parent_id: str | None = attrs.field(default=None, metadata=_ID)


@attrs.frozen
class CategoryNameBody:
    name: str = attrs.field(metadata=limits(max_length=CATEGORY_NAME_MAX + _SLACK))


@attrs.frozen
class CategoryTreeView:
    """The category tree: the roots, each with its children, every level in name order."""

    items: list[c.CategoryNode]


@attrs.frozen
class PriceBody:
    """Money in minor units (cents): ``{"amount": 1999, "currency": "EUR"}`` is 19.99 EUR."""

    amount: int = attrs.field(metadata=limits(minimum=1, maximum=PRICE_MAX))
    currency: str = attrs.field(metadata=limits(min_length=3, max_length=3))


@attrs.frozen
class AttributeBody:
    """A typed attribute: ``value`` is a string (text), a number (number) or true/false (boolean)."""

    name: str = attrs.field(metadata=limits(max_length=ATTRIBUTE_NAME_MAX + _SLACK))
    kind: AttributeKind
    value: Any = attrs.field(metadata=limits(type=["string", "number", "boolean"]))


@attrs.frozen
class NewProductBody:
    """A new card (a draft until it is submitted and approved). ``sku`` is unique among the seller's cards."""

    sku: str = attrs.field(metadata=limits(max_length=SKU_MAX + _SLACK))
    title: str = attrs.field(metadata=limits(max_length=TITLE_MAX + _SLACK))
    category_id: str = attrs.field(metadata=_ID)
    price: PriceBody
    description: str = attrs.field(default="", metadata=limits(max_length=DESCRIPTION_MAX + _SLACK))
    brand: str = attrs.field(default="", metadata=limits(max_length=BRAND_MAX + _SLACK))
    attributes: list[AttributeBody] = attrs.field(factory=list, metadata=limits(max_items=MAX_ATTRIBUTES))


@attrs.frozen
class ProductChangesBody:
    """Only the fields sent change; ``attributes`` replaces the whole list. ``description: null`` and
    ``brand: null`` clear them; the other fields cannot be null."""

    sku: str | None = attrs.field(default=None, metadata=limits(max_length=SKU_MAX + _SLACK))
    title: str | None = attrs.field(default=None, metadata=limits(max_length=TITLE_MAX + _SLACK))
    description: str | None = attrs.field(default=None, metadata=limits(max_length=DESCRIPTION_MAX + _SLACK))
    brand: str | None = attrs.field(default=None, metadata=limits(max_length=BRAND_MAX + _SLACK))
    category_id: str | None = attrs.field(default=None, metadata=_ID)
    price: PriceBody | None = None
    attributes: list[AttributeBody] | None = attrs.field(default=None, metadata=limits(max_items=MAX_ATTRIBUTES))


@attrs.frozen
class SellerProductsQuery:
    status: ProductStatus | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class ShopQuery:
    """``category_id`` includes every category under it."""

    category_id: str | None = attrs.field(default=None, metadata=_ID)
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class SellerProductPage:
    items: list[c.SellerProductView]
    next_cursor: str | None


@attrs.frozen
class ProductPage:
    items: list[c.PublicCard]
    next_cursor: str | None


def _attributes(bodies: list[AttributeBody]) -> tuple[c.AttributeInput, ...]:
    return tuple(c.AttributeInput(a.name, a.kind.value, a.value) for a in bodies)


def _price(body: PriceBody) -> c.PriceInput:
    return c.PriceInput(body.amount, body.currency)


# --- categories ---------------------------------------------------------------------------------------


async def list_categories(call: Call[None, None]) -> CategoryTreeView:
    return CategoryTreeView(await call.resolve(uc.ShowCategoryTree)(c.ShowCategories()))


async def create_category(call: Call[CategoryBody, None]) -> c.CategoryView:
    b = call.body
    return await call.resolve(uc.AddCategory)(c.CreateCategory(call.user, b.name, b.parent_id))


async def rename_category(call: Call[CategoryNameBody, None]) -> c.CategoryView:
    command = c.RenameCategory(call.user, call.path("category_id"), call.body.name)
    return await call.resolve(uc.ChangeCategoryName)(command)


# --- the seller's cards -------------------------------------------------------------------------------


async def create_product(call: Call[NewProductBody, None]) -> c.SellerProductView:
    b = call.body
    command = c.CreateProduct(
        call.user,
        sku=b.sku,
        title=b.title,
        category_id=b.category_id,
        price=_price(b.price),
        description=b.description,
        brand=b.brand,
        attributes=_attributes(b.attributes),
    )
    return await call.resolve(uc.CreateProductCard)(command)


async def list_my_products(call: Call[None, SellerProductsQuery]) -> SellerProductPage:
    q = call.query
    command = c.ListMyProducts(call.user, q.status, PageRequest(q.limit, q.cursor))
    page = await call.resolve(uc.ListMyProductCards)(command)
    return SellerProductPage(list(page.items), page.next_cursor)


async def get_my_product(call: Call[None, None]) -> c.SellerProductView:
    command = c.GetMyProduct(call.user, call.path("product_id"))
    return await call.resolve(uc.ShowMyProductCard)(command)


_CLEARABLE = ("description", "brand")


async def edit_product(call: Call[ProductChangesBody, None]) -> c.SellerProductView:
    b = call.body
    nulls = sorted(k for k in attrs.fields_dict(ProductChangesBody) if call.given(k) and getattr(b, k) is None)
    refused = [k for k in nulls if k not in _CLEARABLE]
    if refused:
        raise ValidationFailed.of(refused[0], "must not be null")
    command = c.EditProduct(
        call.user,
        call.path("product_id"),
        sku=b.sku,
        title=b.title,
        description="" if "description" in nulls else b.description,
        brand="" if "brand" in nulls else b.brand,
        category_id=b.category_id,
        price=_price(b.price) if b.price is not None else None,
        attributes=_attributes(b.attributes) if b.attributes is not None else None,
    )
    return await call.resolve(uc.EditProductCard)(command)


async def submit_product(call: Call[None, None]) -> c.SellerProductView:
    command = c.SubmitProduct(call.user, call.path("product_id"))
    return await call.resolve(uc.SubmitProductCard)(command)


async def archive_product(call: Call[None, None]) -> c.SellerProductView:
    command = c.ArchiveProduct(call.user, call.path("product_id"))
    return await call.resolve(uc.ArchiveProductCard)(command)


# --- the shop -------------------------------------------------------------------------------------------


async def list_products(call: Call[None, ShopQuery]) -> ProductPage:
    q = call.query
    page = await call.resolve(uc.BrowseShop)(c.BrowseProducts(q.category_id, PageRequest(q.limit, q.cursor)))
    return ProductPage(list(page.items), page.next_cursor)


async def get_product(call: Call[None, None]) -> JsonDocument:
    # The card as JSON, straight from the cache on a hit: the shop's busiest read does no model work.
    product_id = call.path("product_id")
    card = await call.resolve(uc.ShowPublicCard).document(c.GetProduct(product_id))
    if (tracking := track(call)) is not None:
        tracking.viewed(product_id)
    return card


def _products(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, tag=TAG, **kw)


ENDPOINTS = [
    _products(
        "GET",
        "/categories",
        list_categories,
        "The category tree",
        authenticated=False,
        response=CategoryTreeView,
    ),
    _products(
        "POST",
        "/categories",
        create_category,
        "Add a category (at the root, or under a parent)",
        group=ADMIN,
        body=CategoryBody,
        response=c.CategoryView,
        status=201,
        errors=(409,),
        description="The slug is derived from the name and must be unique among the category's siblings (409).",
    ),
    _products(
        "PATCH",
        "/categories/{category_id}",
        rename_category,
        "Rename a category",
        group=ADMIN,
        body=CategoryNameBody,
        response=c.CategoryView,
        errors=(404, 409),
    ),
    _products(
        "POST",
        "/products",
        create_product,
        "Create a product card (a draft)",
        group=SELLER,
        body=NewProductBody,
        response=c.SellerProductView,
        status=201,
        errors=(409,),
        description="Nothing reaches the shop before the card is submitted and moderation approves it. "
        "The SKU must be unique among the seller's cards that are not archived (409).",
    ),
    _products(
        "GET",
        "/products",
        list_my_products,
        "The seller's product cards, newest first",
        group=SELLER,
        query=SellerProductsQuery,
        response=SellerProductPage,
    ),
    _products(
        "GET",
        "/products/{product_id}",
        get_my_product,
        "One of the seller's product cards, whatever its status",
        group=SELLER,
        response=c.SellerProductView,
        errors=(404,),
    ),
    _products(
        "PATCH",
        "/products/{product_id}",
        edit_product,
        "Edit a product card",
        group=SELLER,
        body=ProductChangesBody,
        response=c.SellerProductView,
        errors=(404, 409),
        description="An edit of a card that is not a draft starts a new revision (a draft). Customers keep "
        "seeing the published version until the new revision is submitted and approved.",
    ),
    _products(
        "POST",
        "/products/{product_id}/submit",
        submit_product,
        "Submit the card's draft revision for moderation",
        group=SELLER,
        response=c.SellerProductView,
        status=202,
        errors=(404, 409),
        description="Returns at once: moderation decides asynchronously, and the card's status shows the "
        "outcome (published, or rejected with reasons). A suspended seller cannot submit (409).",
    ),
    _products(
        "POST",
        "/products/{product_id}/archive",
        archive_product,
        "Archive a product card (for good; a published card leaves the shop)",
        group=SELLER,
        response=c.SellerProductView,
        errors=(404,),
    ),
    _products(
        "GET",
        "/products",
        list_products,
        "Published products, newest first",
        authenticated=False,
        query=ShopQuery,
        response=ProductPage,
    ),
    _products(
        "GET",
        "/products/{product_id}",
        get_product,
        "A published product",
        authenticated=False,
        response=c.PublicCard,
        errors=(404,),
    ),
]
