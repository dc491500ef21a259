"""The event history in a dict, and the business figures computed from it in Python: the memory profile's
``AnalyticsSink`` and ``AnalyticsQueries``. Each figure follows ``core.analytics.model``'s definitions as
the ClickHouse adapter's SQL does (the funnel as ``windowFunnel`` counts it); the contract suite holds the
two to the same answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

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


@attrs.frozen
class _Line:
    order_id: str
    seller_id: str
    product_id: str
    title: str
    value: int  # unit price x quantity
    units: int
    currency: str


def _within(at: datetime, period: Period) -> bool:
    return period.starts_at <= at < period.ends_before


def _millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def funnel_level(steps: list[tuple[int, int]], window_ms: int, depth: int) -> int:
    """The longest chain of steps 0, 1, ... each at or after the one before and within ``window_ms`` of
    its step 0, among one shopper's ``(time, step)``: ClickHouse's ``windowFunnel`` in its default mode
    (a later step 0 starts the chain afresh; ties in time go in step order)."""
    started: list[int | None] = [None] * depth  # for each step reached: the time its chain started
    for at, step in sorted(steps):
        if step == 0:
            started[0] = at
        else:
            first = started[step - 1]
            if first is not None and at <= first + window_ms:
                started[step] = first
    return max((step + 1 for step in range(depth) if started[step] is not None), default=0)


class MemoryAnalytics:
    """Both ports over one dict of events by id: a redelivered event is kept once."""

    def __init__(self) -> None:
        self.events: dict[str, RecordedEvent] = {}

    async def write(self, events: Sequence[RecordedEvent]) -> None:
        for event in events:
            self.events[event.event_id] = event

    # The history, read as the SQL reads it.

    def _of(self, *types: str) -> Iterator[tuple[RecordedEvent, dict[str, Any]]]:
        for event in self.events.values():
            if event.type in types:
                yield event, event.data

    def _lines(self) -> list[_Line]:
        lines = []
        for _, data in self._of(PLACED):
            for line in data["lines"]:
                price = line["unit_price"]
                quantity = line["quantity"]
                lines.append(
                    _Line(
                        data["order_id"],
                        line["seller_id"],
                        line["product_id"],
                        line["title"],
                        price["amount"] * quantity,
                        quantity,
                        price["currency"],
                    )
                )
        return lines

    def _paid_at(self) -> dict[str, datetime]:
        """Each paid order and when it was first paid."""
        paid: dict[str, datetime] = {}
        for event, data in self._of(PAID):
            order = data["order_id"]
            paid[order] = min(paid.get(order, event.occurred_at), event.occurred_at)
        return paid

    def _paid_lines(self, scope: Scope) -> list[tuple[_Line, datetime]]:
        paid = self._paid_at()
        return [
            (line, paid[line.order_id])
            for line in self._lines()
            if line.order_id in paid
            and _within(paid[line.order_id], scope.period)
            and line.currency == scope.currency
            and (scope.seller_id is None or line.seller_id == scope.seller_id)
        ]

    def _orders_of(self, seller_id: str) -> set[str]:
        return {line.order_id for line in self._lines() if line.seller_id == seller_id}

    # The figures.

    async def sales_by_day(self, scope: Scope) -> list[DaySales]:
        orders: dict[Any, set[str]] = defaultdict(set)
        gmv: dict[Any, int] = defaultdict(int)
        for line, paid_at in self._paid_lines(scope):
            orders[paid_at.date()].add(line.order_id)
            gmv[paid_at.date()] += line.value
        return [DaySales(day, len(orders[day]), gmv[day]) for day in sorted(orders)]

    async def sales_by_seller(self, scope: Scope, limit: int) -> list[SellerSales]:
        orders: dict[str, set[str]] = defaultdict(set)
        gmv: dict[str, int] = defaultdict(int)
        for line, _ in self._paid_lines(scope):
            orders[line.seller_id].add(line.order_id)
            gmv[line.seller_id] += line.value
        ranked = sorted(orders, key=lambda seller: (-gmv[seller], seller))
        return [SellerSales(seller, len(orders[seller]), gmv[seller]) for seller in ranked[:limit]]

    async def top_products(self, scope: Scope, limit: int) -> list[ProductSales]:
        units: dict[str, int] = defaultdict(int)
        revenue: dict[str, int] = defaultdict(int)
        titles: dict[str, str] = {}
        for line, _ in self._paid_lines(scope):
            units[line.product_id] += line.units
            revenue[line.product_id] += line.value
            titles[line.product_id] = max(titles.get(line.product_id, line.title), line.title)
        ranked = sorted(units, key=lambda product: (-revenue[product], -units[product], product))
        return [ProductSales(p, titles[p], units[p], revenue[p]) for p in ranked[:limit]]

    async def refunds(self, scope: Scope) -> RefundTotals:
        share: dict[str, tuple[int, int]] = {}  # order -> (the seller's value, the order's total)
        if scope.seller_id is not None:
            totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for line in self._lines():
                totals[line.order_id][1] += line.value
                if line.seller_id == scope.seller_id:
                    totals[line.order_id][0] += line.value
            share = {order: (own, total) for order, (own, total) in totals.items() if own}
        count = amount = 0
        for event, data in self._of(REFUNDED):
            refunded = data["amount"]
            if not _within(event.occurred_at, scope.period) or refunded["currency"] != scope.currency:
                continue
            if scope.seller_id is None:
                count, amount = count + 1, amount + refunded["amount"]
            elif data["order_id"] in share:
                own, total = share[data["order_id"]]
                count, amount = count + 1, amount + refunded["amount"] * own // total
        return RefundTotals(count, amount)

    async def payment_attempts(self, scope: Scope) -> PaymentAttempts:
        orders = None if scope.seller_id is None else self._orders_of(scope.seller_id)
        attempts = failed = 0
        for event, data in self._of(AUTHORIZED, PAYMENT_FAILED):
            if not _within(event.occurred_at, scope.period) or (orders is not None and data["order_id"] not in orders):
                continue
            if event.type == AUTHORIZED:
                attempts += 1
            elif data["operation"] == AUTHORIZE:
                attempts, failed = attempts + 1, failed + 1
        return PaymentAttempts(attempts, failed)

    async def funnel(self, scope: Scope) -> FunnelLevels:
        claimed: dict[str, str] = {}
        for _, data in self._of(GUEST_CLAIMED):  # a guest claimed twice (a shared device): one user, always the same
            claimed[data["actor"]] = max(claimed.get(data["actor"], ""), data["user_id"])
        products = orders = None
        if scope.seller_id is not None:
            products = {
                data["product_id"]
                for event, data in ((e, e.data) for e in self.events.values() if e.type.startswith("products."))
                if data.get("seller_id") == scope.seller_id and "product_id" in data
            }
            orders = self._orders_of(scope.seller_id)
        steps: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for event, data in self._of(*FUNNEL_STEPS):
            if not _within(event.occurred_at, scope.period):
                continue
            step = FUNNEL_STEPS.index(event.type)
            if event.type in (VIEWED, ADDED_TO_CART):
                actor = data["actor"]
                if products is not None and data["product_id"] not in products:
                    continue
            else:
                actor = data["customer_id"]
                if orders is not None and data["order_id"] not in orders:
                    continue
            steps[claimed.get(actor, actor)].append((_millis(event.occurred_at), step))
        window = int(FUNNEL_WINDOW.total_seconds() * 1000)
        levels = [funnel_level(shopper, window, len(FUNNEL_STEPS)) for shopper in steps.values()]
        reached = tuple(sum(1 for level in levels if level > step) for step in range(len(FUNNEL_STEPS)))
        return FunnelLevels(reached)  # type: ignore[arg-type]

    async def searches_without_results(self, period: Period, limit: int) -> list[SearchCount]:
        counts: dict[str, int] = defaultdict(int)
        for event, data in self._of(SEARCHED):
            query = data["query"].strip(" ").lower()
            if data["results"] == 0 and query and _within(event.occurred_at, period):
                counts[query] += 1
        ranked = sorted(counts, key=lambda query: (-counts[query], query))
        return [SearchCount(query, counts[query]) for query in ranked[:limit]]
