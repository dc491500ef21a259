"""The shoppers' signals in the ``activity`` schema; behave exactly as ``adapters.memory.activity``.

Every count is an upsert that adds (``count = count + EXCLUDED.count``), never a read then a write, so
units of work applying actions side by side lose none of each other's additions. ``claim`` inserts the
action's id: a second claim of the same id waits for the first unit of work to end, and finds the id
taken if it committed.

The pairs and the products' days are the rows every shopper's actions add to, so they are the ones two
units of work wait for. A unit of work therefore gathers its additions to them and writes them at commit,
in one statement per table, in key order: every writer takes those locks in the same order (pairs, then
days, each by key), so none waits for another in a circle, however its actions were ordered, and an
order's lines cost two statements instead of two per line. Nothing reads them back within the unit of
work (the use cases read first, then write), as in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg
import attrs

from adapters.postgres.pool import unavailable_on_failure
from adapters.postgres.unit_of_work import NOT_OPEN, PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.activity.model import ActionKind, Dimension, PairKind, RememberedOrder, Shopper
from ports.activity import SignalRepository
from ports.recommendations import Interest, Ranked, ShopperProfile

_CLAIM = "INSERT INTO activity.claims (action_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING action_id"

# The count and the moment each kind of action keeps (a removal from the cart takes back one addition).
_COUNTED = {
    ActionKind.VIEWED: ("viewed", "last_viewed_at"),
    ActionKind.ADDED_TO_CART: ("carted", "last_carted_at"),
    ActionKind.PURCHASED: ("purchased", "last_purchased_at"),
}
_ADD_INTEREST = {
    kind: f"""
INSERT INTO activity.interests AS i (actor, product_id, {count}, {moment}, last_at) VALUES ($1, $2, 1, $3, $3)
ON CONFLICT (actor, product_id) DO UPDATE
SET {count} = i.{count} + 1, {moment} = GREATEST(i.{moment}, $3), last_at = GREATEST(i.last_at, $3)
"""  # noqa: S608 - constant column names only
    for kind, (count, moment) in _COUNTED.items()
}
_TAKE_BACK_CART = """
UPDATE activity.interests SET carted = GREATEST(carted - 1, 0) WHERE actor = $1 AND product_id = $2
"""
_RECENT = {
    kind: f"""
SELECT product_id FROM activity.interests WHERE actor = $1 AND {moment} IS NOT NULL
ORDER BY {moment} DESC, product_id LIMIT $2
"""  # noqa: S608 - constant column names only
    for kind, (_, moment) in _COUNTED.items()
}
_ADD_TASTE = """
INSERT INTO activity.tastes AS t (actor, dimension, value, weight) VALUES ($1, $2, $3, $4)
ON CONFLICT (actor, dimension, value) DO UPDATE SET weight = t.weight + EXCLUDED.weight
"""
# The pairs a unit of work counted (both ways already, each key once), in the order of the keys.
_ADD_PAIRS = """
INSERT INTO activity.pairs AS p (kind, product_id, other_id, count)
SELECT kind, product_id, other_id, count
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS a(kind, product_id, other_id, count)
ORDER BY kind, product_id, other_id
ON CONFLICT (kind, product_id, other_id) DO UPDATE SET count = p.count + EXCLUDED.count
"""
# One row per statement (a category path is an array itself), sent in key order by ``executemany``.
_ADD_PRODUCT_DAY = """
INSERT INTO activity.product_days AS d (product_id, day, category_path, brand, views, units)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (product_id, day) DO UPDATE
SET category_path = EXCLUDED.category_path, brand = EXCLUDED.brand,
    views = d.views + EXCLUDED.views, units = d.units + EXCLUDED.units
"""
# The placement and the payment come in either order: each fills its half of the row, once.
_REMEMBER_ORDER = """
INSERT INTO activity.orders AS o (order_id, customer_id, product_ids, quantities) VALUES ($1, $2, $3, $4)
ON CONFLICT (order_id) DO UPDATE
SET customer_id = EXCLUDED.customer_id, product_ids = EXCLUDED.product_ids, quantities = EXCLUDED.quantities
WHERE o.customer_id IS NULL
"""
_REMEMBER_PAYMENT = """
INSERT INTO activity.orders AS o (order_id, paid_by, paid_at) VALUES ($1, $2, $3)
ON CONFLICT (order_id) DO UPDATE SET paid_by = EXCLUDED.paid_by, paid_at = EXCLUDED.paid_at
WHERE o.paid_by IS NULL
"""
_ORDER = "SELECT customer_id, product_ids, quantities, paid_by, paid_at FROM activity.orders WHERE order_id = $1"
# Each statement moves the rows in one go: the deleted rows come back as the other actor's, summed.
_REASSIGN_INTERESTS = """
WITH gone AS (DELETE FROM activity.interests WHERE actor = $1 RETURNING *)
INSERT INTO activity.interests AS i
    (actor, product_id, viewed, carted, purchased, last_viewed_at, last_carted_at, last_purchased_at, last_at)
SELECT $2, product_id, viewed, carted, purchased, last_viewed_at, last_carted_at, last_purchased_at, last_at
FROM gone ORDER BY product_id
ON CONFLICT (actor, product_id) DO UPDATE
SET viewed = i.viewed + EXCLUDED.viewed, carted = i.carted + EXCLUDED.carted,
    purchased = i.purchased + EXCLUDED.purchased,
    last_viewed_at = GREATEST(i.last_viewed_at, EXCLUDED.last_viewed_at),
    last_carted_at = GREATEST(i.last_carted_at, EXCLUDED.last_carted_at),
    last_purchased_at = GREATEST(i.last_purchased_at, EXCLUDED.last_purchased_at),
    last_at = GREATEST(i.last_at, EXCLUDED.last_at)
"""
_REASSIGN_TASTES = """
WITH gone AS (DELETE FROM activity.tastes WHERE actor = $1 RETURNING *)
INSERT INTO activity.tastes AS t (actor, dimension, value, weight)
SELECT $2, dimension, value, weight FROM gone ORDER BY dimension, value
ON CONFLICT (actor, dimension, value) DO UPDATE SET weight = t.weight + EXCLUDED.weight
"""
_REASSIGN_ORDERS = "UPDATE activity.orders SET customer_id = $2 WHERE customer_id = $1"
_ERASE = [
    "DELETE FROM activity.interests WHERE actor = $1",
    "DELETE FROM activity.tastes WHERE actor = $1",
    "DELETE FROM activity.orders WHERE customer_id = $1",
]
_INTERESTS = """
SELECT product_id, viewed, carted, purchased, last_at FROM activity.interests WHERE actor = $1
ORDER BY last_at DESC, product_id
"""
_TASTES = "SELECT dimension, value, weight FROM activity.tastes WHERE actor = $1 ORDER BY dimension, value"
_NEIGHBOURS = """
SELECT other_id AS product_id, sum(count) AS score FROM activity.pairs
WHERE kind = $1 AND product_id = ANY($2::text[]) AND NOT other_id = ANY($2::text[])
GROUP BY other_id ORDER BY score DESC, other_id LIMIT $3
"""
# The measure names a column: one statement per measure, never a name pasted from the caller.
_TOP_PRODUCTS = {
    measure: f"""
SELECT product_id, sum({measure}) AS score FROM activity.product_days
WHERE day >= $1 AND ($2::text IS NULL OR category_path @> ARRAY[$2::text]) AND ($3::text IS NULL OR brand = $3)
GROUP BY product_id HAVING sum({measure}) > 0
ORDER BY score DESC, product_id LIMIT $4
"""  # noqa: S608 - constant column names only
    for measure in ("units", "views")
}
_ACTIVE_CATEGORIES = """
SELECT category_id, sum(d.views + d.units) AS busy
FROM activity.product_days AS d, unnest(d.category_path) AS category_id
WHERE d.day >= $1 AND d.views + d.units > 0
GROUP BY category_id ORDER BY busy DESC, category_id LIMIT $2
"""


def _ranked(rows: Any) -> list[Ranked]:
    return [Ranked(row["product_id"], float(row["score"])) for row in rows]


@attrs.define
class _DayFigures:
    """What a unit of work adds to one product's day: the latest category and brand given win."""

    category_path: list[str]
    brand: str
    views: int = 0
    units: int = 0


# ``conn`` is the unit of work's connection (``TransactionOnWrite``): a write begins its transaction.
class PostgresSignalRepository:
    def __init__(self, conn: Any, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen
        self._pairs: dict[tuple[str, str, str], int] = {}  # (kind, product id, other id) -> count to add
        self._days: dict[tuple[str, date], _DayFigures] = {}

    def _gathering(self) -> None:
        if self.conn is NOT_OPEN:  # a buffered write must fail outside the unit of work as a statement would
            raise RuntimeError("the unit of work is not open: use its repositories inside `async with uow:`")

    async def write_gathered(self) -> None:
        """Write the pairs and the days gathered (at commit, within the transaction)."""
        pairs, days = sorted(self._pairs.items()), sorted(self._days.items())
        self._pairs, self._days = {}, {}
        if pairs:
            columns = [[key[i] for key, _ in pairs] for i in range(3)]
            await self.conn.execute(_ADD_PAIRS, *columns, [count for _, count in pairs])
        if days:
            rows = [(pid, day, f.category_path, f.brand, f.views, f.units) for (pid, day), f in days]
            await self.conn.executemany(_ADD_PRODUCT_DAY, rows)

    async def claim(self, action_id: str) -> bool:
        return await self.conn.fetchval(_CLAIM, action_id) is not None

    def shopper(self, actor: str) -> Shopper:
        shopper = Shopper(actor)
        self.seen.add(shopper)
        return shopper

    async def recent_products(self, actor: str, kind: ActionKind, limit: int) -> list[str]:
        sql = _RECENT.get(kind)
        if sql is None:  # only views, cart additions and purchases are remembered per product
            return []
        return [row["product_id"] for row in await self.conn.fetch(sql, actor, limit)]

    async def add_interest(self, actor: str, product_id: str, kind: ActionKind, at: datetime) -> None:
        if kind is ActionKind.REMOVED_FROM_CART:
            await self.conn.execute(_TAKE_BACK_CART, actor, product_id)
            return
        sql = _ADD_INTEREST.get(kind)
        if sql is not None:  # searches and reviews say nothing about interest in a product
            await self.conn.execute(sql, actor, product_id, at)

    async def add_taste(self, actor: str, dimension: Dimension, value: str, weight: float) -> None:
        await self.conn.execute(_ADD_TASTE, actor, dimension.value, value, weight)

    async def add_pairs(self, kind: PairKind, product_id: str, others: Sequence[str]) -> None:
        self._gathering()
        for other in dict.fromkeys(others):  # each other product once, never the product with itself
            if other != product_id:
                for key in ((kind.value, product_id, other), (kind.value, other, product_id)):
                    self._pairs[key] = self._pairs.get(key, 0) + 1

    async def add_product_day(
        self, product_id: str, day: date, category_path: Sequence[str], brand: str, views: int, units: int
    ) -> None:
        self._gathering()
        figures = self._days.get((product_id, day))
        if figures is None:
            figures = self._days[(product_id, day)] = _DayFigures(list(category_path), brand)
        figures.category_path, figures.brand = list(category_path), brand  # as the product is now
        figures.views += views
        figures.units += units

    async def remember_order(self, order_id: str, customer_id: str, lines: Sequence[tuple[str, int]]) -> None:
        product_ids, quantities = [p for p, _ in lines], [q for _, q in lines]
        await self.conn.execute(_REMEMBER_ORDER, order_id, customer_id, product_ids, quantities)

    async def remember_payment(self, order_id: str, event_id: str, paid_at: datetime) -> None:
        await self.conn.execute(_REMEMBER_PAYMENT, order_id, event_id, paid_at)

    async def order(self, order_id: str) -> RememberedOrder | None:
        row = await self.conn.fetchrow(_ORDER, order_id)
        if row is None:
            return None
        return RememberedOrder(
            order_id,
            row["customer_id"],
            tuple(zip(row["product_ids"], row["quantities"], strict=True)),
            row["paid_by"],
            row["paid_at"],
        )

    async def reassign(self, from_actor: str, to_actor: str) -> None:
        if from_actor == to_actor:  # folding a shopper into themselves would delete what it re-inserts
            return
        for sql in (_REASSIGN_INTERESTS, _REASSIGN_TASTES, _REASSIGN_ORDERS):
            await self.conn.execute(sql, from_actor, to_actor)

    async def erase(self, actor: str) -> None:
        for sql in _ERASE:
            await self.conn.execute(sql, actor)

    async def profile(self, actor: str) -> ShopperProfile:
        interests = await self.conn.fetch(_INTERESTS, actor)
        tastes: dict[str, dict[str, float]] = {Dimension.CATEGORY.value: {}, Dimension.BRAND.value: {}}
        for row in await self.conn.fetch(_TASTES, actor):
            tastes[row["dimension"]][row["value"]] = row["weight"]
        return ShopperProfile(
            actor,
            tuple(
                Interest(row["product_id"], row["viewed"], row["carted"], row["purchased"], row["last_at"])
                for row in interests
            ),
            tastes[Dimension.CATEGORY.value],
            tastes[Dimension.BRAND.value],
        )

    async def neighbours(self, kind: PairKind, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        return _ranked(await self.conn.fetch(_NEIGHBOURS, kind.value, list(product_ids), limit))

    async def top_products(
        self, since: date, measure: str, category_id: str | None, brand: str | None, limit: int
    ) -> list[Ranked]:
        sql = _TOP_PRODUCTS.get(measure)
        if sql is None:
            raise ValueError(f"products are ranked by 'units' or 'views', not {measure!r}")
        return _ranked(await self.conn.fetch(sql, since, category_id, brand, limit))

    async def active_categories(self, since: date, limit: int) -> list[str]:
        return [row["category_id"] for row in await self.conn.fetch(_ACTIVE_CATEGORIES, since, limit)]


class PostgresActivitySignalsUnitOfWork(PostgresUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``SignalsUnitOfWork`` (a mutable protocol member).
    signals: SignalRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self._signals = PostgresSignalRepository(conn, self.seen)
        self.signals = self._signals

    async def commit(self) -> None:
        with unavailable_on_failure("the change could not be committed"):
            await self._signals.write_gathered()
        await super().commit()
