"""The ShopCards contract: the shop's read of a card with what the rest of the products context knows of
it, composed from the catalogue, stock and media ports (memory) or read in one query (PostgreSQL).

Both are filled the same way, through the catalogue's, the stock's and the media's units of work, in a
scratch products database of their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.product_media import MediaTables, MemoryMediaUnitOfWork, MemoryProductImages
from adapters.memory.products import CatalogTables, MemoryCatalogUnitOfWork
from adapters.memory.stock import MemoryStockLevels, MemoryStockUnitOfWork, StockTables
from adapters.postgres.products.media import PostgresMediaUnitOfWork
from adapters.postgres.products.repository import PostgresCatalogUnitOfWork
from adapters.postgres.products.shop import PostgresShopCards
from adapters.postgres.products.stock import PostgresStockUnitOfWork
from core.products.categories import Category
from core.products.events import ProductAttribute
from core.products.media import MediaPolicy, ProductImage
from core.products.model import CardContent, Product, ShopFacts
from core.products.stock import StockItem
from core.products.use_cases import CatalogShopCards
from core.shared.money import Money
from ports.product_media import MediaUnitOfWork
from ports.products import CatalogUnitOfWork, ShopCards
from ports.stock import StockUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import scratch_pool, truncate_statement

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
ANN = "00000000-0000-7000-8000-000000000a22"
POLICY = MediaPolicy("https://cdn.example/m", 5 * 1024 * 1024, 10)


class Shop:
    """One backend: its three units of work, and its ShopCards."""

    catalog: Callable[[], CatalogUnitOfWork]
    stock: Callable[[], StockUnitOfWork]
    media: Callable[[], MediaUnitOfWork]
    cards: ShopCards


class MemoryShop(Shop):
    def __init__(self) -> None:
        bus = RecordingEventBus()
        catalog, stock, media = CatalogTables(), StockTables(), MediaTables()
        self.catalog = lambda: MemoryCatalogUnitOfWork(catalog, bus)
        self.stock = lambda: MemoryStockUnitOfWork(stock, bus)
        self.media = lambda: MemoryMediaUnitOfWork(media, bus)
        self.cards = CatalogShopCards(self.catalog, MemoryStockLevels(stock), MemoryProductImages(media, POLICY))


class PostgresShop(Shop):
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.catalog = lambda: PostgresCatalogUnitOfWork(pool)
        self.stock = lambda: PostgresStockUnitOfWork(pool)
        self.media = lambda: PostgresMediaUnitOfWork(pool)
        self.cards = PostgresShopCards(pool, POLICY)


@pytest.fixture(scope="module")
async def shop_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("shop_cards_contract", contexts=["products"]) as pool:
        yield pool


@pytest.fixture
async def clean_shop_pool(shop_pool: asyncpg.Pool) -> asyncpg.Pool:
    await shop_pool.execute(await truncate_statement(shop_pool))
    return shop_pool


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.infra)])
def shop(request: pytest.FixtureRequest) -> Shop:
    if request.param == "memory":
        return MemoryShop()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresShop(request.getfixturevalue("clean_shop_pool"))


def category(n: int, name: str, parent: Category | None = None) -> Category:
    return Category.create(f"cat-{n:03d}", name, parent.id if parent else None, START + timedelta(microseconds=n))


def card(n: int, category_id: str, *, published: bool = True) -> Product:
    content = CardContent(
        title=f"Espresso machine {n}",
        description="Fifteen bars, ünïcode.",
        brand="Gaggia",
        category_id=category_id,
        attributes=(ProductAttribute("Pressure", "number", "15"), ProductAttribute("Frother", "boolean", "true")),
        price=Money(24900, "EUR"),
    )
    product = Product.create(f"prod-{n:03d}", ANN, f"SKU-{n}", content, START)
    if published:
        product.submit(0, START)
        product.approve(product.revision, ShopFacts([], 0, []), seller_suspended=False, now=START)
    return product


def image(n: int, product_id: str, position: int, *, ready: bool = True) -> ProductImage:
    picture = ProductImage.pending(f"img-{n}", product_id, ANN, "image/png", 10, position, START, START)
    if ready:
        picture.mark_ready(10, START)
    return picture


async def fill(shop: Shop, *things: Category | Product) -> None:
    async with shop.catalog() as uow:
        for thing in things:
            if isinstance(thing, Category):
                await uow.categories.add(thing)
            else:
                await uow.products.add(thing)
        await uow.commit()


async def stock(shop: Shop, product_id: str, on_hand: int) -> None:
    async with shop.stock() as uow:
        item = StockItem.empty(product_id, ANN, START)
        item.set_on_hand(on_hand, START)
        await uow.stock.add(item)
        await uow.commit()


async def pictures(shop: Shop, *images: ProductImage) -> None:
    async with shop.media() as uow:
        for picture in images:
            await uow.images.add(picture)
        await uow.commit()


async def test_a_published_card_comes_with_everything_the_shop_shows(shop: Shop) -> None:
    kitchen = category(1, "Kitchen")
    coffee = category(2, "Coffee", kitchen)
    product = card(1, coffee.id)
    await fill(shop, kitchen, coffee, category(3, "Garden"), product)
    await stock(shop, product.id, 7)
    await pictures(shop, image(2, product.id, 2), image(1, product.id, 1), image(3, product.id, 3, ready=False))

    shown = await shop.cards.shown(product.id)

    assert shown is not None
    assert shown.product == product
    assert sorted(shown.lineage, key=lambda c: c.id) == [kitchen, coffee]
    assert shown.seller_suspended is False
    assert shown.available == 7
    assert shown.image_urls == [POLICY.url(image(1, product.id, 1).key), POLICY.url(image(2, product.id, 2).key)]


async def test_a_card_with_no_stock_and_no_images_shows_none(shop: Shop) -> None:
    kitchen = category(1, "Kitchen")
    product = card(1, kitchen.id)
    await fill(shop, kitchen, product)

    shown = await shop.cards.shown(product.id)

    assert shown is not None
    assert (shown.available, shown.image_urls, shown.lineage) == (0, [], [kitchen])


async def test_a_draft_has_no_live_version_and_no_lineage(shop: Shop) -> None:
    kitchen = category(1, "Kitchen")
    draft = card(1, kitchen.id, published=False)
    await fill(shop, kitchen, draft)

    shown = await shop.cards.shown(draft.id)

    assert shown is not None
    assert shown.product.live is None
    assert shown.lineage == []


async def test_a_suspended_seller_is_known(shop: Shop) -> None:
    kitchen = category(1, "Kitchen")
    product = card(1, kitchen.id)
    await fill(shop, kitchen, product)
    async with shop.catalog() as uow:
        await uow.suspended_sellers.add(ANN, START)
        await uow.commit()

    shown = await shop.cards.shown(product.id)

    assert shown is not None
    assert shown.seller_suspended is True


async def test_an_unknown_card_is_none(shop: Shop) -> None:
    assert await shop.cards.shown("prod-404") is None
