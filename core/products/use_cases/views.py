"""Views of categories and cards, and the few steps every catalogue use case shares."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from core.products.categories import Category, CategoryTree
from core.products.commands import (
    AttributeView,
    CardRating,
    CategoryNode,
    CategoryRef,
    CategoryView,
    PublicCard,
    SellerProductView,
)
from core.products.events import ProductAttribute
from core.products.model import Product, ShopFacts, wire_value
from core.shared.errors import NotFound, Unavailable
from core.shared.security import Principal
from ports.catalog import ProductImages, StockLevels
from ports.products import CatalogUnitOfWork, ProductCache
from ports.ratings import Ratings, RatingSummary

log = logging.getLogger(__name__)


def attribute_views(attributes: Iterable[ProductAttribute]) -> list[AttributeView]:
    return [AttributeView(a.name, a.kind, wire_value(a)) for a in attributes]


def category_view(category: Category, tree: CategoryTree) -> CategoryView:
    return CategoryView(
        id=category.id,
        name=category.name,
        slug=category.slug,
        parent_id=category.parent_id,
        path=[c.name for c in tree.path(category.id)],
    )


def category_nodes(tree: CategoryTree, parent_id: str | None = None) -> list[CategoryNode]:
    return [CategoryNode(c.id, c.name, c.slug, category_nodes(tree, c.id)) for c in tree.children(parent_id)]


def seller_view(product: Product) -> SellerProductView:
    c = product.content
    live = product.live
    return SellerProductView(
        id=product.id,
        seller_id=product.seller_id,
        sku=product.sku,
        status=product.status,
        revision=product.revision,
        title=c.title,
        description=c.description,
        brand=c.brand,
        category_id=c.category_id,
        attributes=attribute_views(c.attributes),
        price=c.price,
        rejection_reasons=list(product.rejection_reasons),
        published_revision=live.revision if live is not None else None,
        published_at=live.published_at if live is not None else None,
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def public_card(
    product: Product, tree: CategoryTree, available: int, image_urls: list[str], rating: CardRating
) -> PublicCard:
    """The live version of ``product`` as customers see it (the caller made sure it has one)."""
    live = product.live
    if live is None:
        raise NotFound("no such product")
    c = live.content
    path = tree.path(c.category_id)
    name = path[-1].name if path else ""
    return PublicCard(
        id=product.id,
        seller_id=product.seller_id,
        title=c.title,
        description=c.description,
        brand=c.brand,
        category=CategoryRef(c.category_id, name, [p.name for p in path]),
        attributes=attribute_views(c.attributes),
        price=c.price,
        available=available,
        in_stock=available > 0,
        image_urls=image_urls,
        published_at=live.published_at,
        rating=rating,
    )


async def own_product(uow: CatalogUnitOfWork, principal: Principal, product_id: str, *, change: bool) -> Product:
    """The caller's card; another seller's card is reported exactly like a missing one."""
    if change:
        product = await uow.products.get_for_change(product_id)
    else:
        product = await uow.products.get(product_id)
    if product is None or product.seller_id != principal.user_id:
        raise NotFound("no such product")
    return product


async def seller_suspended(uow: CatalogUnitOfWork, seller_id: str) -> bool:
    return bool(await uow.suspended_sellers.among([seller_id]))


class ShopFactsReader:
    """Availability and images of cards, from the stock and media parts of the context."""

    def __init__(self, stock: StockLevels, images: ProductImages) -> None:
        self.stock, self.images = stock, images

    async def read(self, product_ids: Sequence[str]) -> tuple[dict[str, int], dict[str, list[str]]]:
        if not product_ids:
            return {}, {}
        ids = list(dict.fromkeys(product_ids))
        return await self.stock.available(ids), await self.images.urls(ids)


def card_rating(summary: RatingSummary | None) -> CardRating:
    """What a card shows of its ratings (``None``: no published review yet)."""
    if summary is None:
        return CardRating()
    return CardRating(summary.count, summary.average, list(summary.stars))


class CardRatings:
    """The ratings cards show, read from the reviews context (``ports.ratings.Ratings``: its own database,
    so not in the catalogue's query). A card is worth showing without its rating: when the reviews context
    does not answer, the cards show none, and ``read`` says so, so that such a card is not cached."""

    def __init__(self, ratings: Ratings) -> None:
        self.ratings = ratings

    async def read(self, product_ids: Sequence[str]) -> tuple[dict[str, CardRating], bool]:
        """The ratings of the rated products among ``product_ids`` (the others: ``CardRating()``), and
        whether the reviews context answered."""
        if not product_ids:
            return {}, True
        try:
            found = await self.ratings.of_products(list(dict.fromkeys(product_ids)))
        except Unavailable as error:
            log.warning("ratings unavailable, %d cards shown without theirs: %s", len(product_ids), error)
            return {}, False
        return {product_id: card_rating(summary) for product_id, summary in found.items()}, True


def shop_facts(
    product_id: str, category_id: str, tree: CategoryTree, available: dict[str, int], urls: dict[str, list[str]]
) -> ShopFacts:
    """What a publication of a card in ``category_id`` tells the shop besides the card's own content."""
    path = [c.id for c in tree.path(category_id)]
    return ShopFacts(path, available.get(product_id, 0), list(urls.get(product_id, [])))


async def forget_cards(cache: ProductCache, product_ids: Sequence[str]) -> None:
    """Drop changed cards from the cache. If the cache is down, its entries expire by themselves."""
    if not product_ids:
        return
    try:
        await cache.forget(product_ids)
    except Unavailable as error:
        log.warning("could not drop %d product cards from the cache: %s", len(product_ids), error)
