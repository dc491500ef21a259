"""The seller's product cards: create, edit, submit for moderation, archive, read and list."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from core.products.commands import (
    ArchiveProduct,
    AttributeInput,
    CreateProduct,
    EditProduct,
    GetMyProduct,
    ListMyProducts,
    PriceInput,
    SellerProductView,
    SubmitProduct,
)
from core.products.events import ProductAttribute
from core.products.model import (
    BRAND_MAX,
    TITLE_MAX,
    TITLE_MIN,
    CardContent,
    Product,
    check_attributes,
    check_price,
    clean_description,
    clean_line,
    clean_sku,
)
from core.products.use_cases.views import forget_cards, own_product, seller_suspended, seller_view
from core.shared.errors import Conflict, Validation, ValidationFailed
from core.shared.money import Money
from core.shared.pagination import Page
from core.shared.security import Role
from ports.catalog import ProductImages
from ports.products import CatalogUnitOfWork, ProductCache
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory


@attrs.frozen
class _Checked:
    """The fields a command gave, checked; None where it gave none."""

    sku: str | None = None
    title: str | None = None
    description: str | None = None
    brand: str | None = None
    category_id: str | None = None
    price: Money | None = None
    attributes: tuple[ProductAttribute, ...] | None = None


def _check(
    *,
    sku: str | None,
    title: str | None,
    description: str | None,
    brand: str | None,
    category_id: str | None,
    price: PriceInput | None,
    attributes: Sequence[AttributeInput] | None,
) -> _Checked:
    """Check every given field at once, so one answer names every bad one."""
    v = Validation()
    checked = _Checked(
        sku=clean_sku(v, sku) if sku is not None else None,
        title=clean_line(v, title, "title", min_len=TITLE_MIN, max_len=TITLE_MAX) if title is not None else None,
        description=clean_description(v, description) if description is not None else None,
        brand=clean_line(v, brand, "brand", max_len=BRAND_MAX) if brand is not None else None,
        category_id=category_id.strip() if category_id is not None else None,
        price=check_price(v, price.amount, price.currency) if price is not None else None,
        attributes=(
            check_attributes(v, [(a.name, a.kind, a.value) for a in attributes]) if attributes is not None else None
        ),
    )
    if checked.category_id is not None and not checked.category_id:
        v.add("category_id", "must not be empty")
    v.raise_if_any()
    return checked


async def _category_must_exist(uow: CatalogUnitOfWork, category_id: str) -> None:
    if await uow.categories.get(category_id) is None:
        raise ValidationFailed.of("category_id", "is not a category")


class CreateProductCard:
    """A new card, as a draft: nothing reaches the shop before moderation approves it."""

    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], ids: IdGenerator, clock: Clock) -> None:
        self.uow, self.ids, self.clock = uow, ids, clock

    async def __call__(self, command: CreateProduct) -> SellerProductView:
        command.principal.require(Role.SELLER)
        c = _check(
            sku=command.sku,
            title=command.title,
            description=command.description,
            brand=command.brand,
            category_id=command.category_id,
            price=command.price,
            attributes=command.attributes,
        )
        # Every required field was given, so each came back checked.
        assert c.sku is not None
        assert c.title is not None
        assert c.category_id is not None
        assert c.price is not None
        content = CardContent(
            title=c.title,
            description=c.description or "",
            brand=c.brand or "",
            category_id=c.category_id,
            attributes=c.attributes or (),
            price=c.price,
        )
        async with self.uow() as uow:
            await _category_must_exist(uow, content.category_id)
            product = Product.create(self.ids.new_id(), command.principal.user_id, c.sku, content, self.clock.now())
            await uow.products.add(product)
            await uow.commit()
        return seller_view(product)


class EditProductCard:
    """Change the working revision; customers keep seeing the live version until an edit is approved."""

    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: EditProduct) -> SellerProductView:
        command.principal.require(Role.SELLER)
        c = _check(
            sku=command.sku,
            title=command.title,
            description=command.description,
            brand=command.brand,
            category_id=command.category_id,
            price=command.price,
            attributes=command.attributes,
        )
        async with self.uow() as uow:
            product = await own_product(uow, command.principal, command.product_id, change=True)
            if c.category_id is not None and c.category_id != product.content.category_id:
                await _category_must_exist(uow, c.category_id)
            current = product.content
            content = CardContent(
                title=c.title if c.title is not None else current.title,
                description=c.description if c.description is not None else current.description,
                brand=c.brand if c.brand is not None else current.brand,
                category_id=c.category_id if c.category_id is not None else current.category_id,
                attributes=c.attributes if c.attributes is not None else current.attributes,
                price=c.price if c.price is not None else current.price,
            )
            if product.edit(c.sku if c.sku is not None else product.sku, content, self.clock.now()):
                await uow.products.update(product)
                await uow.commit()
        return seller_view(product)


class SubmitProductCard:
    """Send the working revision to moderation; the decision comes later, as an event."""

    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], images: ProductImages, clock: Clock) -> None:
        self.uow, self.images, self.clock = uow, images, clock

    async def __call__(self, command: SubmitProduct) -> SellerProductView:
        command.principal.require(Role.SELLER)
        urls = await self.images.urls([command.product_id])
        async with self.uow() as uow:
            product = await own_product(uow, command.principal, command.product_id, change=True)
            if await seller_suspended(uow, product.seller_id):
                raise Conflict("your seller account is suspended: no card can be submitted until it is reinstated")
            product.submit(len(urls.get(product.id, [])), self.clock.now())
            await uow.products.update(product)
            await uow.commit()
        return seller_view(product)


class ArchiveProductCard:
    """Retire a card for good; a published one leaves the shop."""

    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], cache: ProductCache, clock: Clock) -> None:
        self.uow, self.cache, self.clock = uow, cache, clock

    async def __call__(self, command: ArchiveProduct) -> SellerProductView:
        command.principal.require(Role.SELLER)
        async with self.uow() as uow:
            product = await own_product(uow, command.principal, command.product_id, change=True)
            was_live = product.live is not None
            suspended = await seller_suspended(uow, product.seller_id)
            if product.archive(seller_suspended=suspended, now=self.clock.now()):
                await uow.products.update(product)
                await uow.commit()
        if was_live:
            await forget_cards(self.cache, [product.id])
        return seller_view(product)


class ShowMyProductCard:
    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: GetMyProduct) -> SellerProductView:
        command.principal.require(Role.SELLER)
        async with self.uow() as uow:
            product = await own_product(uow, command.principal, command.product_id, change=False)
        return seller_view(product)


class ListMyProductCards:
    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListMyProducts) -> Page[SellerProductView]:
        command.principal.require(Role.SELLER)
        async with self.uow() as uow:
            page = await uow.products.list_for_seller(command.principal.user_id, command.status, command.page)
        return Page([seller_view(p) for p in page.items], page.next_cursor)
