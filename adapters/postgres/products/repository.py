"""The catalogue in the ``products`` schema; behaves exactly as ``adapters.memory.products``.

Cards keep their working revision in columns and their live version as one jsonb document, with the
columns the shop filters and sorts by (``live_category_id``, ``live_published_at``) beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.products.categories import Category
from core.products.events import ProductAttribute
from core.products.model import CardContent, LiveVersion, Product, ProductStatus
from core.shared.errors import Conflict
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest, moment_after, moment_key, page_of
from ports.products import CategoryRepository, ProductRepository, SuspendedSellers

# --- categories --------------------------------------------------------------------------------------

_CATEGORY_COLUMNS = "id, parent_id, name, slug, created_at, updated_at"
_INSERT_CATEGORY = """
INSERT INTO products.categories (id, parent_id, name, slug, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING true
"""
_UPDATE_CATEGORY = """
UPDATE products.categories SET parent_id = $2, name = $3, slug = $4, created_at = $5, updated_at = $6
WHERE id = $1
"""
_SIBLING_SLUG = """
SELECT true FROM products.categories
WHERE coalesce(parent_id, '') = coalesce($1, '') AND slug = $2 AND id <> $3
"""
_LINEAGE = f"""
WITH RECURSIVE up AS (
    SELECT {_CATEGORY_COLUMNS} FROM products.categories WHERE id = ANY($1::text[])
    UNION
    SELECT p.id, p.parent_id, p.name, p.slug, p.created_at, p.updated_at
    FROM products.categories p JOIN up ON p.id = up.parent_id
)
SELECT {_CATEGORY_COLUMNS} FROM up
"""  # noqa: S608 - only the constant column list is formatted in
_SUBTREE = """
WITH RECURSIVE down AS (
    SELECT id FROM products.categories WHERE id = $1
    UNION
    SELECT c.id FROM products.categories c JOIN down ON c.parent_id = down.id
)
SELECT id FROM down
"""


def _slug_taken(slug: str) -> str:
    return f"a category with the slug {slug!r} already exists at this place in the tree"


def _category(row: Any) -> Category:
    return Category(
        id=row["id"],
        name=row["name"],
        slug=row["slug"],
        parent_id=row["parent_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _category_values(c: Category) -> tuple[Any, ...]:
    return (c.id, c.parent_id, c.name, c.slug, c.created_at, c.updated_at)


class PostgresCategoryRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    async def add(self, category: Category) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        inserted = await self.conn.fetchval(_INSERT_CATEGORY, *_category_values(category))
        if not inserted:
            same_id = await self.conn.fetchval("SELECT true FROM products.categories WHERE id = $1", category.id)
            raise Conflict("a category with this id already exists" if same_id else _slug_taken(category.slug))
        self.seen.add(category)

    async def get(self, category_id: str) -> Category | None:
        row = await self.conn.fetchrow(
            f"SELECT {_CATEGORY_COLUMNS} FROM products.categories WHERE id = $1",  # noqa: S608 - constant columns
            category_id,
        )
        if row is None:
            return None
        category = _category(row)
        self.seen.add(category)
        return category

    async def update(self, category: Category) -> None:
        if await self.conn.fetchval(_SIBLING_SLUG, category.parent_id, category.slug, category.id):
            raise Conflict(_slug_taken(category.slug))
        try:
            await self.conn.execute(_UPDATE_CATEGORY, *_category_values(category))
        except asyncpg.UniqueViolationError:
            # A sibling took the slug meanwhile; the transaction is spoilt, so the use case must give up.
            raise Conflict(_slug_taken(category.slug)) from None
        self.seen.add(category)

    async def all(self) -> list[Category]:
        rows = await self.conn.fetch(f"SELECT {_CATEGORY_COLUMNS} FROM products.categories")  # noqa: S608
        return [_category(r) for r in rows]

    async def lineage(self, category_ids: Sequence[str]) -> list[Category]:
        if not category_ids:
            return []
        rows = await self.conn.fetch(_LINEAGE, list(dict.fromkeys(category_ids)))
        return [_category(r) for r in rows]

    async def subtree(self, category_id: str) -> list[str]:
        return [r["id"] for r in await self.conn.fetch(_SUBTREE, category_id)]


# --- product cards ------------------------------------------------------------------------------------

# A card's columns, as ``product_of`` reads them (``c`` is products.cards).
CARD_COLUMNS = """c.id, c.seller_id, c.sku, c.status, c.revision, c.title, c.description, c.brand, c.category_id,
       c.attributes, c.price_amount, c.price_currency, c.rejection_reasons, c.created_at, c.updated_at,
       c.live_revision, c.live_published_at, c.live"""
_CARD = f"SELECT {CARD_COLUMNS}\nFROM products.cards c\n"
_INSERT_CARD = """
INSERT INTO products.cards (id, seller_id, sku, status, revision, title, description, brand, category_id,
                            attributes, price_amount, price_currency, rejection_reasons, created_at, updated_at,
                            live_revision, live_published_at, live_category_id, live)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT DO NOTHING
RETURNING true
"""
_UPDATE_CARD = """
UPDATE products.cards
SET seller_id = $2, sku = $3, status = $4, revision = $5, title = $6, description = $7, brand = $8,
    category_id = $9, attributes = $10, price_amount = $11, price_currency = $12, rejection_reasons = $13,
    created_at = $14, updated_at = $15, live_revision = $16, live_published_at = $17, live_category_id = $18,
    live = $19
WHERE id = $1
"""
_SKU_CLASH = """
SELECT true FROM products.cards
WHERE seller_id = $1 AND sku = $2 AND id <> $3 AND status <> 'archived'
"""
# What the shop shows: a live version, and a seller who is not suspended.
_SHOWN = (
    "c.live_revision IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM products.suspended_sellers s WHERE s.seller_id = c.seller_id)"
)


def _sku_taken(sku: str) -> str:
    return f"sku {sku!r} is already used by another of your products"


def _attributes(stored: list[dict[str, str]]) -> tuple[ProductAttribute, ...]:
    return tuple(ProductAttribute(a["name"], a["kind"], a["value"]) for a in stored)


def _attribute_values(attributes: Sequence[ProductAttribute]) -> list[dict[str, str]]:
    return [{"name": a.name, "kind": a.kind, "value": a.value} for a in attributes]


def _content_document(c: CardContent) -> dict[str, Any]:
    return {
        "title": c.title,
        "description": c.description,
        "brand": c.brand,
        "category_id": c.category_id,
        "attributes": _attribute_values(c.attributes),
        "price": {"amount": c.price.amount, "currency": c.price.currency},
    }


def _content_of_document(d: dict[str, Any]) -> CardContent:
    return CardContent(
        title=d["title"],
        description=d["description"],
        brand=d["brand"],
        category_id=d["category_id"],
        attributes=_attributes(d["attributes"]),
        price=Money(int(d["price"]["amount"]), d["price"]["currency"]),
    )


def product_of(row: Any) -> Product:
    live = None
    if row["live_revision"] is not None:
        live = LiveVersion(row["live_revision"], _content_of_document(row["live"]), row["live_published_at"])
    return Product(
        id=row["id"],
        seller_id=row["seller_id"],
        sku=row["sku"],
        content=CardContent(
            title=row["title"],
            description=row["description"],
            brand=row["brand"],
            category_id=row["category_id"],
            attributes=_attributes(row["attributes"]),
            price=Money(row["price_amount"], row["price_currency"]),
        ),
        status=ProductStatus(row["status"]),
        revision=row["revision"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        live=live,
        rejection_reasons=tuple(row["rejection_reasons"]),
    )


def _product_values(p: Product) -> tuple[Any, ...]:
    c, live = p.content, p.live
    return (
        p.id,
        p.seller_id,
        p.sku,
        p.status.value,
        p.revision,
        c.title,
        c.description,
        c.brand,
        c.category_id,
        _attribute_values(c.attributes),
        c.price.amount,
        c.price.currency,
        list(p.rejection_reasons),
        p.created_at,
        p.updated_at,
        live.revision if live is not None else None,
        live.published_at if live is not None else None,
        live.content.category_id if live is not None else None,
        _content_document(live.content) if live is not None else None,
    )


class PostgresProductRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Product | None:
        if row is None:
            return None
        product = product_of(row)
        self.seen.add(product)
        return product

    def _tracked(self, rows: Sequence[Any]) -> list[Product]:
        return [p for p in map(self._track, rows) if p is not None]

    async def add(self, product: Product) -> None:
        # A concurrent insert of the same SKU waits here for the other transaction, then conflicts.
        inserted = await self.conn.fetchval(_INSERT_CARD, *_product_values(product))
        if not inserted:
            same_id = await self.conn.fetchval("SELECT true FROM products.cards WHERE id = $1", product.id)
            raise Conflict("a product with this id already exists" if same_id else _sku_taken(product.sku))
        self.seen.add(product)

    async def get(self, product_id: str) -> Product | None:
        return self._track(await self.conn.fetchrow(_CARD + " WHERE c.id = $1", product_id))

    async def get_for_change(self, product_id: str) -> Product | None:
        return self._track(await self.conn.fetchrow(_CARD + " WHERE c.id = $1 FOR UPDATE", product_id))

    async def update(self, product: Product) -> None:
        if product.status is not ProductStatus.ARCHIVED and await self.conn.fetchval(
            _SKU_CLASH, product.seller_id, product.sku, product.id
        ):
            raise Conflict(_sku_taken(product.sku))
        try:
            await self.conn.execute(_UPDATE_CARD, *_product_values(product))
        except asyncpg.UniqueViolationError:
            # Another card took the SKU meanwhile; the transaction is spoilt, so the use case must give up.
            raise Conflict(_sku_taken(product.sku)) from None
        self.seen.add(product)

    async def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        if not product_ids:
            return []
        rows = await self.conn.fetch(_CARD + " WHERE c.id = ANY($1::text[])", list(dict.fromkeys(product_ids)))
        return self._tracked(rows)

    async def list_for_seller(self, seller_id: str, status: ProductStatus | None, page: PageRequest) -> Page[Product]:
        after = moment_after(page)
        conditions: list[str] = ["c.seller_id = $1"]
        args: list[Any] = [seller_id]
        if status is not None:
            args.append(status.value)
            conditions.append(f"c.status = ${len(args)}")
        if after is not None:
            args.extend(after)
            conditions.append(f"(c.created_at, c.id) < (${len(args) - 1}, ${len(args)})")
        args.append(page.limit + 1)
        # Only constant fragments and placeholder numbers are formatted in; every value is a parameter.
        query = f"{_CARD} WHERE {' AND '.join(conditions)} ORDER BY c.created_at DESC, c.id DESC LIMIT ${len(args)}"
        products = self._tracked(await self.conn.fetch(query, *args))
        return page_of(products, page, lambda p: moment_key(p.created_at, p.id))

    async def live_of_seller(self, seller_id: str) -> list[Product]:
        query = _CARD + " WHERE c.seller_id = $1 AND c.live_revision IS NOT NULL ORDER BY c.id FOR UPDATE"
        return self._tracked(await self.conn.fetch(query, seller_id))

    async def live_in_categories(self, category_ids: Sequence[str]) -> list[str]:
        if not category_ids:
            return []
        rows = await self.conn.fetch(
            "SELECT id FROM products.cards WHERE live_category_id = ANY($1::text[]) ORDER BY id", list(category_ids)
        )
        return [r["id"] for r in rows]

    async def list_shown(self, category_ids: Sequence[str] | None, page: PageRequest) -> Page[Product]:
        after = moment_after(page)
        conditions: list[str] = [_SHOWN]
        args: list[Any] = []
        if category_ids is not None:
            args.append(list(category_ids))
            conditions.append(f"c.live_category_id = ANY(${len(args)}::text[])")
        if after is not None:
            args.extend(after)
            conditions.append(f"(c.live_published_at, c.id) < (${len(args) - 1}, ${len(args)})")
        args.append(page.limit + 1)
        # Only constant fragments and placeholder numbers are formatted in; every value is a parameter.
        query = (
            f"{_CARD} WHERE {' AND '.join(conditions)} ORDER BY c.live_published_at DESC, c.id DESC LIMIT ${len(args)}"
        )
        products = self._tracked(await self.conn.fetch(query, *args))

        def key(p: Product) -> list[str]:
            assert p.live is not None
            return moment_key(p.live.published_at, p.id)

        return page_of(products, page, key)


class PostgresSuspendedSellers:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, seller_id: str, since: datetime) -> bool:
        inserted = await self.conn.fetchval(
            "INSERT INTO products.suspended_sellers (seller_id, since) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING true",
            seller_id,
            since,
        )
        return bool(inserted)

    async def remove(self, seller_id: str) -> bool:
        removed = await self.conn.fetchval(
            "DELETE FROM products.suspended_sellers WHERE seller_id = $1 RETURNING true", seller_id
        )
        return bool(removed)

    async def among(self, seller_ids: Sequence[str]) -> set[str]:
        if not seller_ids:
            return set()
        rows = await self.conn.fetch(
            "SELECT seller_id FROM products.suspended_sellers WHERE seller_id = ANY($1::text[])", list(seller_ids)
        )
        return {r["seller_id"] for r in rows}


class PostgresCatalogUnitOfWork(PostgresUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``CatalogUnitOfWork`` (mutable protocol members).
    categories: CategoryRepository
    products: ProductRepository
    suspended_sellers: SuspendedSellers

    def _open(self, conn: asyncpg.Connection) -> None:
        self.categories = PostgresCategoryRepository(conn, self.seen)
        self.products = PostgresProductRepository(conn, self.seen)
        self.suspended_sellers = PostgresSuspendedSellers(conn)
