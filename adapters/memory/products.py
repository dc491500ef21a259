"""In-memory adapters of the catalogue ports; they behave as ``adapters.postgres.products.repository``.

``get_for_change`` and ``live_of_seller`` take the catalogue's lock until the unit of work ends,
standing in for PostgreSQL's row locks (one lock for every card: coarser, but in one process it only
ever waits for a unit of work that is running anyway). The cache keeps copies with an expiry judged
by the injected clock, as Redis keeps its entries with a TTL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import LockingMemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.products.categories import Category, CategoryTree
from core.products.commands import PublicCard
from core.products.model import Product, ProductStatus
from core.shared.documents import JsonDocument, read, render
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest, moment_after, moment_key, page_of
from ports.products import CategoryRepository, ProductRepository, SuspendedSellers
from ports.shared import Clock, EventPublisher


def sku_taken(sku: str) -> str:
    return f"sku {sku!r} is already used by another of your products"


def slug_taken(slug: str) -> str:
    return f"a category with the slug {slug!r} already exists at this place in the tree"


class CatalogTables:
    def __init__(self) -> None:
        self.categories = MemoryTable("categories")
        self.products = MemoryTable("product_cards")
        self.suspended_sellers = MemoryTable("suspended_sellers")
        self.lock = asyncio.Lock()


class MemoryCategoryRepository:
    def __init__(self, tables: CatalogTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.categories, tx, seen

    def _track(self, category: Category | None) -> Category | None:
        if category is not None:
            self.seen.add(category)
        return category

    def _unique_slug(self, category: Category) -> None:
        def check(rows: list[Category]) -> None:
            for other in rows:
                if other.id != category.id and other.parent_id == category.parent_id and other.slug == category.slug:
                    raise Conflict(slug_taken(category.slug))

        check(list(self.tx.scan(self.table)))
        self.tx.check_at_commit(lambda: check(list(self.table.rows.values())))

    async def add(self, category: Category) -> None:
        if self.tx.get(self.table, category.id) is not None:
            raise Conflict("a category with this id already exists")
        self._unique_slug(category)
        self.tx.put(self.table, category.id, category)
        self.seen.add(category)

    async def get(self, category_id: str) -> Category | None:
        return self._track(self.tx.get(self.table, category_id))

    async def update(self, category: Category) -> None:
        self._unique_slug(category)
        self.tx.put(self.table, category.id, category)
        self.seen.add(category)

    async def all(self) -> list[Category]:
        return list(self.tx.scan(self.table))

    async def lineage(self, category_ids: Sequence[str]) -> list[Category]:
        # Up from each category to the root: a lineage reads (and copies) a few rows, not the whole tree.
        found: dict[str, Category] = {}
        for category_id in category_ids:
            current: str | None = category_id
            while current is not None and current not in found:
                category = self.tx.get(self.table, current)
                if category is None:
                    break
                found[current] = category
                current = category.parent_id
        return list(found.values())

    async def subtree(self, category_id: str) -> list[str]:
        tree = CategoryTree(self.tx.scan(self.table))
        return tree.subtree(category_id) if tree.get(category_id) is not None else []


class MemoryProductRepository:
    def __init__(
        self, tables: CatalogTables, tx: MemoryTransaction, seen: SeenAggregates, lock: MemoryCatalogUnitOfWork
    ) -> None:
        self.tables, self.table, self.tx, self.seen, self._uow = tables, tables.products, tx, seen, lock

    def _track(self, product: Product | None) -> Product | None:
        if product is not None:
            self.seen.add(product)
        return product

    def _unique_sku(self, product: Product) -> None:
        def check(rows: list[Product]) -> None:
            for other in rows:
                if (
                    other.id != product.id
                    and other.seller_id == product.seller_id
                    and other.sku == product.sku
                    and other.status is not ProductStatus.ARCHIVED
                ):
                    raise Conflict(sku_taken(product.sku))

        if product.status is ProductStatus.ARCHIVED:
            return
        check(list(self.tx.scan(self.table)))
        self.tx.check_at_commit(lambda: check(list(self.table.rows.values())))

    async def add(self, product: Product) -> None:
        if self.tx.get(self.table, product.id) is not None:
            raise Conflict("a product with this id already exists")
        self._unique_sku(product)
        self.tx.put(self.table, product.id, product)
        self.seen.add(product)

    async def get(self, product_id: str) -> Product | None:
        return self._track(self.tx.get(self.table, product_id))

    async def get_for_change(self, product_id: str) -> Product | None:
        await self._uow.hold_lock()
        return await self.get(product_id)

    async def update(self, product: Product) -> None:
        self._unique_sku(product)
        self.tx.put(self.table, product.id, product)
        self.seen.add(product)

    async def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        found = (self.tx.get(self.table, product_id) for product_id in dict.fromkeys(product_ids))
        return [p for p in found if p is not None and self._track(p)]

    async def list_for_seller(self, seller_id: str, status: ProductStatus | None, page: PageRequest) -> Page[Product]:
        after = moment_after(page)
        rows = [
            p
            for p in self.tx.scan(self.table)
            if p.seller_id == seller_id
            and (status is None or p.status is status)
            and (after is None or (p.created_at, p.id) < after)
        ]
        rows.sort(key=lambda p: (p.created_at, p.id), reverse=True)
        return page_of(rows[: page.limit + 1], page, lambda p: moment_key(p.created_at, p.id))

    async def live_of_seller(self, seller_id: str) -> list[Product]:
        await self._uow.hold_lock()
        live = list(self.tx.scan(self.table, where=lambda p: p.seller_id == seller_id and p.live is not None))
        live.sort(key=lambda p: p.id)
        return [p for p in live if self._track(p)]

    async def live_in_categories(self, category_ids: Sequence[str]) -> list[str]:
        wanted = set(category_ids)
        return sorted(
            p.id for p in self.tx.scan(self.table) if p.live is not None and p.live.content.category_id in wanted
        )

    async def list_shown(self, category_ids: Sequence[str] | None, page: PageRequest) -> Page[Product]:
        after = moment_after(page)
        suspended = {row[0] for row in self.tx.scan(self.tables.suspended_sellers)}
        wanted = set(category_ids) if category_ids is not None else None
        rows = [
            p
            for p in self.tx.scan(self.table)
            if p.live is not None
            and p.seller_id not in suspended
            and (wanted is None or p.live.content.category_id in wanted)
            and (after is None or (p.live.published_at, p.id) < after)
        ]
        rows.sort(key=_published_key, reverse=True)
        return page_of(rows[: page.limit + 1], page, lambda p: moment_key(*_published_key(p)))


def _published_key(product: Product) -> tuple[datetime, str]:
    assert product.live is not None
    return product.live.published_at, product.id


class MemorySuspendedSellers:
    """Rows are ``(seller_id, since)``."""

    def __init__(self, tables: CatalogTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.suspended_sellers, tx

    async def add(self, seller_id: str, since: datetime) -> bool:
        if self.tx.get(self.table, seller_id) is not None:
            return False
        self.tx.put(self.table, seller_id, (seller_id, since))
        return True

    async def remove(self, seller_id: str) -> bool:
        if self.tx.get(self.table, seller_id) is None:
            return False
        self.tx.delete(self.table, seller_id)
        return True

    async def among(self, seller_ids: Sequence[str]) -> set[str]:
        return {s for s in seller_ids if self.tx.get(self.table, s) is not None}


class MemoryCatalogUnitOfWork(LockingMemoryUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``CatalogUnitOfWork`` (mutable protocol members).
    categories: CategoryRepository
    products: ProductRepository
    suspended_sellers: SuspendedSellers

    def __init__(self, tables: CatalogTables, publisher: EventPublisher) -> None:
        super().__init__(publisher, tables.lock)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.categories = MemoryCategoryRepository(self.tables, self.tx, self.seen)
        self.products = MemoryProductRepository(self.tables, self.tx, self.seen, self)
        self.suspended_sellers = MemorySuspendedSellers(self.tables, self.tx)


class MemoryProductCache:
    """Cards as the shop serves them (their JSON documents), each until its TTL: immutable bytes, so a
    hit hands out the stored document as it is, and nothing a reader does can change what is stored."""

    def __init__(self, clock: Clock, ttl_seconds: int) -> None:
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self._cards: dict[str, tuple[JsonDocument, datetime]] = {}

    async def get(self, product_id: str) -> PublicCard | None:
        document = await self.get_document(product_id)
        return None if document is None else read(document, PublicCard)

    async def get_document(self, product_id: str) -> JsonDocument | None:
        entry = self._cards.get(product_id)
        if entry is None:
            return None
        document, expires_at = entry
        if expires_at <= self.clock.now():
            del self._cards[product_id]
            return None
        return document

    async def put(self, card: PublicCard) -> None:
        self._cards[card.id] = (render(card), self.clock.now() + self.ttl)

    async def forget(self, product_ids: Sequence[str]) -> None:
        for product_id in product_ids:
            self._cards.pop(product_id, None)


class NoProductCache:
    """The card cache turned off (``MARKETPLACE_PRODUCT_CACHE_TTL_SECONDS=0``): it never holds a card."""

    async def get(self, product_id: str) -> PublicCard | None:
        return None

    async def get_document(self, product_id: str) -> JsonDocument | None:
        return None

    async def put(self, card: PublicCard) -> None:
        return None

    async def forget(self, product_ids: Sequence[str]) -> None:
        return None
