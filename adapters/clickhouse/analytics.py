"""The event history in ClickHouse, and the business figures as SQL: ``AnalyticsSink`` and
``AnalyticsQueries`` of the infra profile, over either client of ``adapters.clickhouse.clients``.

One table, ``events``: every envelope as it came, a ReplacingMergeTree ordered by (type, day, id), so a
redelivered event collapses into one row (reads say ``FINAL``, which collapses what the background merges
have not yet), each figure reads only the types it needs, and a period reads only its days. The figures
follow ``core.analytics.model``'s definitions; the order lines are read from ``OrderPlaced``'s payload
(``ARRAY JOIN``), the funnel is ``windowFunnel`` over milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from adapters.clickhouse.clients import ClickHouseClient
from core.analytics.model import (
    ADDED_TO_CART,
    AUTHORIZE,
    AUTHORIZED,
    FUNNEL_STEPS,
    FUNNEL_WINDOW,
    GUEST_CLAIMED,
    PAID,
    PAYMENT_FAILED,
    PLACED,
    REFUNDED,
    SEARCHED,
    VIEWED,
    DaySales,
    FunnelLevels,
    PaymentAttempts,
    Period,
    ProductSales,
    RecordedEvent,
    RefundTotals,
    Scope,
    SearchCount,
    SellerSales,
)

COLUMNS = ("event_id", "type", "occurred_at", "key", "correlation_id", "payload")

TABLE = """
CREATE TABLE IF NOT EXISTS {db}.events (
    event_id String,
    type LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    key String,
    correlation_id String,
    payload String CODEC(ZSTD(3))
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (type, toDate(occurred_at), event_id)
"""

# The lines of every order placed: (order_id, seller_id, product_id, title, units, value, currency).
LINES = f"""
lines AS (
    SELECT JSONExtractString(payload, 'order_id') AS order_id,
           JSONExtractString(line, 'seller_id') AS seller_id,
           JSONExtractString(line, 'product_id') AS product_id,
           JSONExtractString(line, 'title') AS title,
           JSONExtractInt(line, 'quantity') AS units,
           JSONExtractInt(line, 'unit_price', 'amount') * units AS value,
           JSONExtractString(line, 'unit_price', 'currency') AS currency
    FROM {{db}}.events FINAL
    ARRAY JOIN JSONExtractArrayRaw(payload, 'lines') AS line
    WHERE type = '{PLACED}'
)"""

# The lines of the orders paid in the period, in the currency, of the seller (or every seller).
PAID_LINES = f"""
WITH {LINES},
paid AS (
    SELECT JSONExtractString(payload, 'order_id') AS order_id, min(occurred_at) AS paid_at
    FROM {{db}}.events FINAL
    WHERE type = '{PAID}'
    GROUP BY order_id
    HAVING paid_at >= {{{{start:DateTime64(3, 'UTC')}}}} AND paid_at < {{{{end:DateTime64(3, 'UTC')}}}}
),
paid_lines AS (
    SELECT lines.*, paid.paid_at AS paid_at
    FROM lines INNER JOIN paid ON lines.order_id = paid.order_id
    WHERE currency = {{{{currency:String}}}} AND ({{{{seller:String}}}} = '' OR seller_id = {{{{seller:String}}}})
)"""

SALES_BY_DAY = (
    PAID_LINES
    + """
SELECT toDate(paid_at) AS day, uniqExact(order_id) AS orders, sum(value) AS gmv
FROM paid_lines GROUP BY day ORDER BY day"""
)

SALES_BY_SELLER = (
    PAID_LINES
    + """
SELECT seller_id, uniqExact(order_id) AS orders, sum(value) AS gmv
FROM paid_lines GROUP BY seller_id ORDER BY gmv DESC, seller_id LIMIT {{limit:UInt32}}"""
)

TOP_PRODUCTS = (
    PAID_LINES
    + """
SELECT product_id, max(title) AS title, sum(units) AS units, sum(value) AS revenue
FROM paid_lines GROUP BY product_id ORDER BY revenue DESC, units DESC, product_id LIMIT {{limit:UInt32}}"""
)

IN_PERIOD = "occurred_at >= {{start:DateTime64(3, 'UTC')}} AND occurred_at < {{end:DateTime64(3, 'UTC')}}"

# A seller's orders: those with a line of theirs.
SELLER_ORDERS = """
seller_orders AS (
    SELECT DISTINCT order_id FROM lines WHERE seller_id = {{seller:String}}
)"""

REFUNDS = f"""
WITH {LINES},
shares AS (
    SELECT order_id, sumIf(value, seller_id = {{{{seller:String}}}}) AS own, sum(value) AS total
    FROM lines GROUP BY order_id
),
refunds AS (
    SELECT JSONExtractString(payload, 'order_id') AS order_id, JSONExtractInt(payload, 'amount', 'amount') AS amount
    FROM {{db}}.events FINAL
    WHERE type = '{REFUNDED}' AND {IN_PERIOD}
      AND JSONExtractString(payload, 'amount', 'currency') = {{{{currency:String}}}}
)
SELECT count() AS refunds,
       sum(if({{{{seller:String}}}} = '', amount, intDiv(amount * shares.own, shares.total))) AS amount
FROM refunds LEFT JOIN shares ON refunds.order_id = shares.order_id
WHERE {{{{seller:String}}}} = '' OR shares.own > 0"""

PAYMENT_ATTEMPTS = f"""
WITH {LINES}, {SELLER_ORDERS}
SELECT countIf(type = '{AUTHORIZED}' OR JSONExtractString(payload, 'operation') = '{AUTHORIZE}') AS attempts,
       countIf(type = '{PAYMENT_FAILED}' AND JSONExtractString(payload, 'operation') = '{AUTHORIZE}') AS failed
FROM {{db}}.events FINAL
WHERE type IN ('{AUTHORIZED}', '{PAYMENT_FAILED}') AND {IN_PERIOD}
  AND ({{{{seller:String}}}} = '' OR JSONExtractString(payload, 'order_id') IN seller_orders)"""

_STEP_TYPES = ", ".join(f"'{t}'" for t in FUNNEL_STEPS)
_STEP_CONDITIONS = ", ".join(f"type = '{t}'" for t in FUNNEL_STEPS)
FUNNEL = f"""
WITH {LINES}, {SELLER_ORDERS},
claims AS (
    SELECT JSONExtractString(payload, 'actor') AS guest, max(JSONExtractString(payload, 'user_id')) AS user_id
    FROM {{db}}.events FINAL WHERE type = '{GUEST_CLAIMED}' GROUP BY guest
),
seller_products AS (
    SELECT DISTINCT JSONExtractString(payload, 'product_id') AS product_id
    FROM {{db}}.events FINAL
    WHERE startsWith(type, 'products.') AND JSONExtractString(payload, 'seller_id') = {{{{seller:String}}}}
),
steps AS (
    SELECT type,
           if(type IN ('{VIEWED}', '{ADDED_TO_CART}'), JSONExtractString(payload, 'actor'),
              JSONExtractString(payload, 'customer_id')) AS actor,
           toUInt64(toUnixTimestamp64Milli(occurred_at)) AS at,
           JSONExtractString(payload, 'product_id') AS product_id,
           JSONExtractString(payload, 'order_id') AS order_id
    FROM {{db}}.events FINAL
    WHERE type IN ({_STEP_TYPES}) AND {IN_PERIOD}
),
shoppers AS (
    SELECT if(claims.user_id != '', claims.user_id, steps.actor) AS shopper,
           windowFunnel({{{{window:UInt64}}}})(at, {_STEP_CONDITIONS}) AS level
    FROM steps LEFT JOIN claims ON steps.actor = claims.guest
    WHERE {{{{seller:String}}}} = ''
       OR (type IN ('{VIEWED}', '{ADDED_TO_CART}') AND product_id IN seller_products)
       OR (type IN ('{PLACED}', '{PAID}') AND order_id IN seller_orders)
    GROUP BY shopper
)
SELECT level, count() AS shoppers FROM shoppers GROUP BY level"""

SEARCHES_WITHOUT_RESULTS = f"""
SELECT lowerUTF8(trimBoth(JSONExtractString(payload, 'query'))) AS query, count() AS searches
FROM {{db}}.events FINAL
WHERE type = '{SEARCHED}' AND JSONExtractInt(payload, 'results') = 0 AND {IN_PERIOD}
GROUP BY query HAVING query != ''
ORDER BY searches DESC, query LIMIT {{{{limit:UInt32}}}}"""

_DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class ClickHouseAnalytics:
    """Both ports over the ``events`` table of ``database``."""

    def __init__(self, client: ClickHouseClient, database: str) -> None:
        if not _DATABASE_NAME.match(database):
            raise ValueError(f"{database!r} is no ClickHouse database name (letters, digits and _)")
        self.client, self.database = client, database
        self._ensured = False

    def _sql(self, template: str) -> str:
        return template.replace("{db}", self.database).replace("{{", "{").replace("}}", "}")

    async def ensure(self) -> None:
        """The database and its table, made if missing (before the first write or read of the process)."""
        if not self._ensured:
            await self.client.command(f"CREATE DATABASE IF NOT EXISTS {self.database}")
            await self.client.command(self._sql(TABLE))
            self._ensured = True

    async def drop(self) -> None:
        await self.client.command(f"DROP DATABASE IF EXISTS {self.database}")
        self._ensured = False

    async def truncate(self) -> None:
        await self.ensure()
        await self.client.command(f"TRUNCATE TABLE IF EXISTS {self.database}.events")

    async def write(self, events: Sequence[RecordedEvent]) -> None:
        await self.ensure()
        rows = [(e.event_id, e.type, e.occurred_at, e.key, e.correlation_id, e.payload) for e in events]
        await self.client.insert(f"{self.database}.events", COLUMNS, rows)

    async def _select(self, template: str, scope: Scope | None = None, **params: Any) -> list[dict[str, Any]]:
        await self.ensure()
        if scope is not None:
            params |= {"currency": scope.currency, "seller": scope.seller_id or ""}
            params |= self._period(scope.period)
        return await self.client.select(self._sql(template), params)

    @staticmethod
    def _period(period: Period) -> dict[str, Any]:
        return {"start": period.starts_at, "end": period.ends_before}

    async def sales_by_day(self, scope: Scope) -> list[DaySales]:
        rows = await self._select(SALES_BY_DAY, scope)
        return [DaySales(_day(r["day"]), int(r["orders"]), int(r["gmv"])) for r in rows]

    async def sales_by_seller(self, scope: Scope, limit: int) -> list[SellerSales]:
        rows = await self._select(SALES_BY_SELLER, scope, limit=limit)
        return [SellerSales(r["seller_id"], int(r["orders"]), int(r["gmv"])) for r in rows]

    async def top_products(self, scope: Scope, limit: int) -> list[ProductSales]:
        rows = await self._select(TOP_PRODUCTS, scope, limit=limit)
        return [ProductSales(r["product_id"], r["title"], int(r["units"]), int(r["revenue"])) for r in rows]

    async def refunds(self, scope: Scope) -> RefundTotals:
        (row,) = await self._select(REFUNDS, scope)
        return RefundTotals(int(row["refunds"]), int(row["amount"]))

    async def payment_attempts(self, scope: Scope) -> PaymentAttempts:
        (row,) = await self._select(PAYMENT_ATTEMPTS, scope)
        return PaymentAttempts(int(row["attempts"]), int(row["failed"]))

    async def funnel(self, scope: Scope) -> FunnelLevels:
        window = int(FUNNEL_WINDOW.total_seconds() * 1000)
        rows = await self._select(FUNNEL, scope, window=window)
        levels = {int(r["level"]): int(r["shoppers"]) for r in rows}
        depth = len(FUNNEL_STEPS)
        reached = tuple(sum(n for level, n in levels.items() if level > step) for step in range(depth))
        return FunnelLevels(reached)  # type: ignore[arg-type]

    async def searches_without_results(self, period: Period, limit: int) -> list[SearchCount]:
        rows = await self._select(SEARCHES_WITHOUT_RESULTS, None, limit=limit, **self._period(period))
        return [SearchCount(r["query"], int(r["searches"])) for r in rows]


class ClickHouseHealth:
    def __init__(self, name: str, store: ClickHouseAnalytics) -> None:
        self.name, self.store = name, store

    async def check(self) -> None:
        await self.store.client.select("SELECT 1 AS ok", {})


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
