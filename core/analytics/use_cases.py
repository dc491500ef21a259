"""The analytics context's use cases: the history written in batches (the analytics consumer group), and
the business figures admins and sellers read, each answer kept briefly (``FiguresCache``): a dashboard
refreshed by many people asks the store once."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from core.analytics import commands as c
from core.analytics.model import (
    FUNNEL_WINDOW,
    Figure,
    Period,
    RecordedEvent,
    Scope,
    average,
    rate,
)
from core.shared.events import EventEnvelope
from core.shared.money import Money
from core.shared.security import Principal, Role
from ports.analytics import AnalyticsQueries, AnalyticsSink
from ports.shared import Clock

T = TypeVar("T")

FUNNEL_NAMES = ("viewed", "added_to_cart", "checked_out", "paid")


class RecordEvents:
    """One batch of events, from any topic, into the history (a redelivered event is kept once)."""

    def __init__(self, sink: AnalyticsSink) -> None:
        self.sink = sink

    async def __call__(self, envelopes: Sequence[EventEnvelope]) -> int:
        if envelopes:
            await self.sink.write([RecordedEvent.of(envelope) for envelope in envelopes])
        return len(envelopes)


class FiguresCache:
    """Answers kept ``ttl`` (and at most ``size`` of them, the oldest dropped first)."""

    def __init__(self, clock: Clock, ttl: timedelta, size: int = 512) -> None:
        self.clock, self.ttl, self.size = clock, ttl, size
        self._answers: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        now = self.clock.now()
        kept = self._answers.get(key)
        if kept is not None and kept[0] > now:
            answer: T = kept[1]
            return answer
        answer = await compute()
        self._answers[key] = (now + self.ttl, answer)
        self._answers.move_to_end(key)
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)
        return answer


# The period of a question that names none (or names only its end).
DEFAULT_DAYS = 30


class _Figures:
    def __init__(self, queries: AnalyticsQueries, cache: FiguresCache, clock: Clock) -> None:
        self.queries, self.cache, self.clock = queries, cache, clock

    def scope_of(self, query: c.FiguresQuery) -> Scope:
        """The question's scope, if the caller may ask it: an admin the whole shop, a seller their own."""
        principal: Principal = query.principal
        if query.own:
            principal.require(Role.SELLER)
        else:
            principal.require(Role.ADMIN)
        end = query.end or self.clock.now().date()
        start = query.start or end - timedelta(days=DEFAULT_DAYS - 1)
        return Scope(Period(start, end), query.currency, principal.user_id if query.own else None)


class ShowSales(_Figures):
    async def __call__(self, query: c.FiguresQuery) -> c.SalesReport:
        scope = self.scope_of(query)
        return await self.cache.get((Figure.SALES, scope), lambda: self._report(scope))

    async def _report(self, scope: Scope) -> c.SalesReport:
        by_day = {day.day: day for day in await self.queries.sales_by_day(scope)}
        refunds = await self.queries.refunds(scope)
        payments = await self.queries.payment_attempts(scope)
        currency = scope.currency
        days = []
        for day in scope.period.days():
            sold = by_day.get(day)
            orders, gmv = (sold.orders, sold.gmv) if sold else (0, 0)
            days.append(c.DayFigures(day, orders, Money(gmv, currency), Money(average(gmv, orders), currency)))
        orders = sum(day.orders for day in by_day.values())
        gmv = sum(day.gmv for day in by_day.values())
        return c.SalesReport(
            start=scope.period.start,
            end=scope.period.end,
            currency=currency,
            seller_id=scope.seller_id,
            orders=orders,
            gmv=Money(gmv, currency),
            average_order_value=Money(average(gmv, orders), currency),
            days=days,
            refunds=c.RefundFigures(refunds.refunds, Money(refunds.amount, currency)),
            payments=c.PaymentFigures(payments.attempts, payments.failed, rate(payments.failed, payments.attempts)),
        )


class ShowSellerRanking(_Figures):
    """The sellers with the highest GMV (an admin's question)."""

    async def __call__(self, query: c.FiguresQuery) -> c.SellerRanking:
        scope = self.scope_of(query)
        return await self.cache.get((Figure.SELLERS, scope, query.limit), lambda: self._ranking(scope, query.limit))

    async def _ranking(self, scope: Scope, limit: int) -> c.SellerRanking:
        currency = scope.currency
        sellers = [
            c.SellerFigures(s.seller_id, s.orders, Money(s.gmv, currency), Money(average(s.gmv, s.orders), currency))
            for s in await self.queries.sales_by_seller(scope, limit)
        ]
        return c.SellerRanking(scope.period.start, scope.period.end, currency, sellers)


class ShowFunnel(_Figures):
    async def __call__(self, query: c.FiguresQuery) -> c.FunnelReport:
        scope = self.scope_of(query)
        return await self.cache.get((Figure.FUNNEL, scope), lambda: self._funnel(scope))

    async def _funnel(self, scope: Scope) -> c.FunnelReport:
        reached = (await self.queries.funnel(scope)).reached
        steps = [
            c.FunnelStep(
                name,
                shoppers,
                rate(shoppers, reached[n - 1]) if n else 1.0,
                rate(shoppers, reached[0]),
            )
            for n, (name, shoppers) in enumerate(zip(FUNNEL_NAMES, reached, strict=True))
        ]
        hours = int(FUNNEL_WINDOW.total_seconds() // 3600)
        return c.FunnelReport(scope.period.start, scope.period.end, scope.seller_id, hours, steps)


class ShowTopProducts(_Figures):
    async def __call__(self, query: c.FiguresQuery) -> c.TopProducts:
        scope = self.scope_of(query)
        return await self.cache.get((Figure.TOP_PRODUCTS, scope, query.limit), lambda: self._top(scope, query.limit))

    async def _top(self, scope: Scope, limit: int) -> c.TopProducts:
        currency = scope.currency
        products = [
            c.ProductFigures(p.product_id, p.title, p.units, Money(p.revenue, currency))
            for p in await self.queries.top_products(scope, limit)
        ]
        return c.TopProducts(scope.period.start, scope.period.end, currency, scope.seller_id, products)


class ShowSearchesWithoutResults(_Figures):
    """What shoppers looked for and the shop did not have (an admin's question: searches name no seller)."""

    async def __call__(self, query: c.FiguresQuery) -> c.SearchesWithoutResults:
        scope = self.scope_of(query)
        key = (Figure.SEARCHES, scope.period, query.limit)
        return await self.cache.get(key, lambda: self._searches(scope.period, query.limit))

    async def _searches(self, period: Period, limit: int) -> c.SearchesWithoutResults:
        found = await self.queries.searches_without_results(period, limit)
        searches = [c.SearchFigures(s.query, s.searches) for s in found]
        return c.SearchesWithoutResults(period.start, period.end, searches)
