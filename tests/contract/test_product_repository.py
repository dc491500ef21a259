"""The catalogue's contract (CategoryRepository, ProductRepository, SuspendedSellers, CatalogUnitOfWork),
memory and PostgreSQL alike.

The catalogue lives in the products database, so this suite has its own scratch database (migrated for
the ``products`` context) rather than the one tests/contract/conftest.py makes for the users database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.products import CatalogTables, MemoryCatalogUnitOfWork
from adapters.postgres.products.repository import PostgresCatalogUnitOfWork
from core.products.categories import Category
from core.products.events import ProductAttribute
from core.products.model import CardContent, Product, ProductStatus, ShopFacts
from core.shared.errors import Conflict, ValidationFailed
from core.shared.events import EventEnvelope
from core.shared.money import Money
from core.shared.pagination import PageRequest
from ports.products import CatalogUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

# Microseconds on purpose: a stored moment must come back to the microsecond.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
ANN = "00000000-0000-7000-8000-000000000a22"
BOB = "00000000-0000-7000-8000-000000000b0b"
FACTS = ShopFacts([], 0, [])

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]

UowFactory = Callable[[], CatalogUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


class MemoryCatalog:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = CatalogTables()

    def uow(self) -> CatalogUnitOfWork:
        return MemoryCatalogUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresCatalog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def uow(self) -> CatalogUnitOfWork:
        return PostgresCatalogUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="module")
async def catalog_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("catalog_contract", contexts=["products"]) as pool:
        yield pool


@pytest.fixture
async def clean_catalog_pool(catalog_pool: asyncpg.Pool) -> asyncpg.Pool:
    await catalog_pool.execute(await truncate_statement(catalog_pool))
    return catalog_pool


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> MemoryCatalog | PostgresCatalog:
    if request.param == "memory":
        return MemoryCatalog()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresCatalog(request.getfixturevalue("clean_catalog_pool"))


@pytest.fixture
def catalog_uow(backend: MemoryCatalog | PostgresCatalog) -> UowFactory:
    """A factory: a new unit of work per call, as the container hands them out."""
    return backend.uow


@pytest.fixture
def committed_events(backend: MemoryCatalog | PostgresCatalog) -> CommittedEvents:
    return backend.committed_events


def category(n: int, name: str, parent: Category | None = None) -> Category:
    return Category.create(f"cat-{n:03d}", name, parent.id if parent else None, START + timedelta(microseconds=n))


def content(category_id: str, title: str = "Espresso machine", amount: int = 24900) -> CardContent:
    return CardContent(
        title=title,
        description='Fifteen bars.\nA steam wand, ünïcode — and "quotes".',
        brand="Gaggia",
        category_id=category_id,
        attributes=(
            ProductAttribute("Colour", "text", "red"),
            ProductAttribute("Pressure", "number", "15"),
            ProductAttribute("Weight", "number", "4.5"),
            ProductAttribute("Frother", "boolean", "true"),
        ),
        price=Money(amount, "EUR"),
    )


def card(n: int, category_id: str, seller_id: str = ANN, *, sku: str | None = None, at: datetime = START) -> Product:
    return Product.create(f"prod-{n:03d}", seller_id, sku or f"SKU-{n}", content(category_id, f"Product {n}"), at)


def published(product: Product, at: datetime) -> Product:
    product.submit(0, at)
    product.approve(product.revision, FACTS, seller_suspended=False, now=at)
    return product


async def store(catalog_uow: UowFactory, *things: Category | Product) -> None:
    async with catalog_uow() as uow:
        for thing in things:
            if isinstance(thing, Category):
                await uow.categories.add(thing)
            else:
                await uow.products.add(thing)
        await uow.commit()


@pytest.fixture
async def tree(catalog_uow: UowFactory) -> dict[str, Category]:
    electronics = category(1, "Electronics")
    phones = category(2, "Phones", electronics)
    cases = category(3, "Cases", phones)
    home = category(4, "Home")
    await store(catalog_uow, electronics, phones, cases, home)
    return {"electronics": electronics, "phones": phones, "cases": cases, "home": home}


# Categories


async def test_categories_come_back_whole(catalog_uow: UowFactory, tree: dict[str, Category]) -> None:
    async with catalog_uow() as uow:
        phones = await uow.categories.get(tree["phones"].id)
        everything = await uow.categories.all()
        missing = await uow.categories.get("cat-999")

    assert phones == tree["phones"]
    assert sorted(everything, key=lambda c: c.id) == list(tree.values())
    assert missing is None


async def test_a_slug_is_unique_among_siblings(catalog_uow: UowFactory, tree: dict[str, Category]) -> None:
    with pytest.raises(Conflict, match="slug"):
        await store(catalog_uow, category(5, "PHONES", tree["electronics"]))
    with pytest.raises(Conflict, match="slug"):
        await store(catalog_uow, category(6, "home"))
    await store(catalog_uow, category(7, "Phones", tree["home"]), category(8, "Cases"))

    async with catalog_uow() as uow:
        cases = await uow.categories.get(tree["cases"].id)
        assert cases is not None
        cases.rename("Phones", START)
        await uow.categories.update(cases)  # a child of Phones may be called Phones
        await uow.commit()
    async with catalog_uow() as uow:
        tablets = await uow.categories.get("cat-008")
        assert tablets is not None
        tablets.rename("Electronics", START)
        with pytest.raises(Conflict, match="slug"):
            await uow.categories.update(tablets)


async def test_lineage_and_subtree(catalog_uow: UowFactory, tree: dict[str, Category]) -> None:
    async with catalog_uow() as uow:
        lineage = await uow.categories.lineage([tree["cases"].id, tree["home"].id, "cat-999"])
        below_electronics = await uow.categories.subtree(tree["electronics"].id)
        below_cases = await uow.categories.subtree(tree["cases"].id)
        below_nothing = await uow.categories.subtree("cat-999")
        no_lineage = await uow.categories.lineage([])

    assert sorted(c.id for c in lineage) == ["cat-001", "cat-002", "cat-003", "cat-004"]
    assert sorted(below_electronics) == ["cat-001", "cat-002", "cat-003"]
    assert below_cases == ["cat-003"]
    assert below_nothing == no_lineage == []


# Cards


async def test_a_card_comes_back_whole(catalog_uow: UowFactory, tree: dict[str, Category]) -> None:
    product = published(card(1, tree["phones"].id), START + timedelta(seconds=5))
    product.edit("SKU-1b", content(tree["cases"].id, "Edited", 100), START + timedelta(seconds=9))
    product.submit(2, START + timedelta(seconds=10))
    product.reject(2, ["a reason", "another — reason"], START + timedelta(seconds=11))
    product.pull_events()
    await store(catalog_uow, product)

    async with catalog_uow() as uow:
        stored = await uow.products.get(product.id)
        locked = await uow.products.get_for_change(product.id)

    assert stored == product
    assert locked == product
    assert stored is not None
    assert stored.live is not None
    assert stored.live.content == content(tree["phones"].id, "Product 1")
    assert stored.live.published_at == START + timedelta(seconds=5)
    assert (stored.revision, stored.status, stored.rejection_reasons) == (
        2,
        ProductStatus.REJECTED,
        ("a reason", "another — reason"),
    )


async def test_a_missing_card_is_none(catalog_uow: UowFactory) -> None:
    async with catalog_uow() as uow:
        assert await uow.products.get("prod-999") is None
        assert await uow.products.get_for_change("prod-999") is None
        assert await uow.products.get_many([]) == []


async def test_a_sku_is_unique_per_seller_among_cards_not_archived(
    catalog_uow: UowFactory, tree: dict[str, Category]
) -> None:
    phones = tree["phones"].id
    await store(catalog_uow, card(1, phones, sku="ESP-1"), card(2, phones, BOB, sku="ESP-1"))

    with pytest.raises(Conflict, match="sku 'ESP-1'"):
        await store(catalog_uow, card(3, phones, sku="ESP-1"))
    await store(catalog_uow, card(4, phones, sku="ESP-2"))
    async with catalog_uow() as uow:
        other = await uow.products.get("prod-004")
        assert other is not None
        other.edit("ESP-1", other.content, START)
        with pytest.raises(Conflict, match="sku 'ESP-1'"):
            await uow.products.update(other)

    async with catalog_uow() as uow:
        first = await uow.products.get("prod-001")
        assert first is not None
        first.archive(seller_suspended=False, now=START)
        await uow.products.update(first)
        await uow.commit()
    await store(catalog_uow, card(5, phones, sku="ESP-1"))
    async with catalog_uow() as uow:
        assert {p.id for p in await uow.products.get_many(["prod-001", "prod-005", "prod-003"])} == {
            "prod-001",
            "prod-005",
        }


async def test_a_seller_lists_their_cards_newest_first(catalog_uow: UowFactory, tree: dict[str, Category]) -> None:
    phones = tree["phones"].id
    cards = [card(n, phones, at=START + timedelta(seconds=n // 2)) for n in range(1, 6)]  # two share a moment
    cards[1].submit(0, START)
    cards[3].submit(0, START)
    await store(catalog_uow, *cards, card(9, phones, BOB))

    async with catalog_uow() as uow:
        first = await uow.products.list_for_seller(ANN, None, PageRequest(limit=2))
        second = await uow.products.list_for_seller(ANN, None, PageRequest(limit=2, cursor=first.next_cursor))
        third = await uow.products.list_for_seller(ANN, None, PageRequest(limit=2, cursor=second.next_cursor))
        pending = await uow.products.list_for_seller(ANN, ProductStatus.PENDING_MODERATION, PageRequest())
        with pytest.raises(ValidationFailed):
            await uow.products.list_for_seller(ANN, None, PageRequest(cursor="WyJub3QgYSB0aW1lIiwgIngiXQ"))

    listed = [p.id for p in [*first.items, *second.items, *third.items]]
    assert listed == ["prod-005", "prod-004", "prod-003", "prod-002", "prod-001"]
    assert third.next_cursor is None
    assert [p.id for p in pending.items] == ["prod-004", "prod-002"]


async def test_the_shop_shows_live_cards_of_sellers_not_suspended(
    catalog_uow: UowFactory, tree: dict[str, Category]
) -> None:
    t = [START + timedelta(minutes=n) for n in range(10)]
    phone = published(card(1, tree["phones"].id), t[1])
    case = published(card(2, tree["cases"].id), t[3])
    lamp = published(card(3, tree["home"].id), t[2])
    twin = published(card(4, tree["home"].id), t[2])  # same moment as the lamp: the id breaks the tie
    bobs = published(card(5, tree["phones"].id, BOB), t[4])
    draft = card(6, tree["phones"].id)
    await store(catalog_uow, phone, case, lamp, twin, bobs, draft)

    async def shown(category_ids: list[str] | None, limit: int = 2) -> list[str]:
        found, cursor = [], None
        while True:
            async with catalog_uow() as uow:
                page = await uow.products.list_shown(category_ids, PageRequest(limit=limit, cursor=cursor))
            found += [p.id for p in page.items]
            cursor = page.next_cursor
            if cursor is None:
                return found

    assert await shown(None) == ["prod-005", "prod-002", "prod-004", "prod-003", "prod-001"]
    assert await shown([tree["phones"].id, tree["cases"].id], limit=1) == ["prod-005", "prod-002", "prod-001"]
    assert await shown([]) == []
    async with catalog_uow() as uow:
        assert await uow.suspended_sellers.add(BOB, START) is True
        await uow.commit()
    assert await shown(None, limit=10) == ["prod-002", "prod-004", "prod-003", "prod-001"]


async def test_live_cards_by_seller_and_by_category(catalog_uow: UowFactory, tree: dict[str, Category]) -> None:
    await store(
        catalog_uow,
        published(card(1, tree["phones"].id), START),
        published(card(2, tree["home"].id), START),
        card(3, tree["phones"].id),
        published(card(4, tree["phones"].id, BOB), START),
    )

    async with catalog_uow() as uow:
        anns = await uow.products.live_of_seller(ANN)
        in_phones = await uow.products.live_in_categories([tree["phones"].id, tree["cases"].id])
        in_nothing = await uow.products.live_in_categories([])

    assert [p.id for p in anns] == ["prod-001", "prod-002"]
    assert in_phones == ["prod-001", "prod-004"]
    assert in_nothing == []


async def test_suspended_sellers(catalog_uow: UowFactory) -> None:
    async with catalog_uow() as uow:
        assert await uow.suspended_sellers.add(ANN, START) is True
        assert await uow.suspended_sellers.add(ANN, START) is False
        await uow.commit()
    async with catalog_uow() as uow:
        assert await uow.suspended_sellers.among([ANN, BOB]) == {ANN}
        assert await uow.suspended_sellers.among([]) == set()
        assert await uow.suspended_sellers.remove(ANN) is True
        assert await uow.suspended_sellers.remove(ANN) is False
        await uow.commit()
    async with catalog_uow() as uow:
        assert await uow.suspended_sellers.among([ANN]) == set()


# The unit of work


async def test_events_are_committed_with_the_change(
    catalog_uow: UowFactory, committed_events: CommittedEvents, tree: dict[str, Category]
) -> None:
    before = len(await committed_events())
    product = card(1, tree["phones"].id)

    async with catalog_uow() as uow:
        await uow.products.add(product)
        # Not committed: neither the card nor its event.
    async with catalog_uow() as uow:
        assert await uow.products.get(product.id) is None
    assert len(await committed_events()) == before

    await store(catalog_uow, card(1, tree["phones"].id))
    async with catalog_uow() as uow:
        stored = await uow.products.get_for_change(product.id)
        assert stored is not None
        stored.submit(3, START)
        await uow.products.update(stored)
        await uow.commit()

    events = (await committed_events())[before:]
    assert [e.type for e in events] == ["products.ProductCreated.v1", "products.ProductSubmitted.v1"]
    assert events[1].key == product.id
    assert events[1].payload["image_count"] == 3
    assert events[1].payload["attributes"][1] == {"name": "Pressure", "kind": "number", "value": "15"}


async def test_events_of_cards_loaded_but_not_updated_are_committed(
    catalog_uow: UowFactory, committed_events: CommittedEvents, tree: dict[str, Category]
) -> None:
    await store(catalog_uow, published(card(1, tree["phones"].id), START))
    before = len(await committed_events())

    async with catalog_uow() as uow:
        for product in await uow.products.live_of_seller(ANN):
            product.hide_for_suspension(START)
        await uow.commit()

    [event] = (await committed_events())[before:]
    assert (event.type, event.payload["reason"]) == ("products.ProductUnpublished.v1", "seller_suspended")


async def test_a_card_taken_for_change_waits_for_the_other_writer(
    catalog_uow: UowFactory, tree: dict[str, Category]
) -> None:
    await store(catalog_uow, card(1, tree["phones"].id))
    first_has_it = asyncio.Event()

    async def first_writer() -> None:
        async with catalog_uow() as uow:
            product = await uow.products.get_for_change("prod-001")
            assert product is not None
            first_has_it.set()
            await asyncio.sleep(0.05)  # give the second writer every chance to read too early
            product.edit(product.sku, content(tree["phones"].id, "First"), START)
            await uow.products.update(product)
            await uow.commit()

    async def second_writer() -> str:
        await first_has_it.wait()
        async with catalog_uow() as uow:
            product = await uow.products.get_for_change("prod-001")
            assert product is not None
            return product.content.title

    _, seen = await asyncio.gather(first_writer(), second_writer())

    assert seen == "First"
