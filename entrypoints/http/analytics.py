"""Business figures: the whole shop's for admins (``/admin/analytics/...``), a seller's own products and
orders for that seller (``/seller/analytics/...``). Every question takes a period of whole UTC days (the
30 days to today by default, 366 at most) and, where money is counted, a currency; answers are kept for
a few seconds (``MARKETPLACE_ANALYTICS_CACHE_SECONDS``), and follow the history within a second or so of
the events (the analytics consumer group's batches)."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from core.analytics import commands as c
from core.analytics import use_cases as uc
from entrypoints.http.routing import ADMIN, SELLER, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "analytics"
LIMIT_MAX = 100
PERIOD = (
    " The period is `start` to `end`, both included, in whole UTC days (by default the 30 days to today; 366 at most)."
)


@attrs.frozen
class PeriodQuery:
    start: date | None = None
    end: date | None = None


@attrs.frozen
class MoneyQuery:
    start: date | None = None
    end: date | None = None
    currency: str = attrs.field(default="EUR", metadata=limits(min_length=3, max_length=3))


@attrs.frozen
class RankingQuery:
    start: date | None = None
    end: date | None = None
    currency: str = attrs.field(default="EUR", metadata=limits(min_length=3, max_length=3))
    limit: int = attrs.field(default=10, metadata=limits(minimum=1, maximum=LIMIT_MAX))


@attrs.frozen
class SearchesQuery:
    start: date | None = None
    end: date | None = None
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=LIMIT_MAX))


def _question(call: Call[None, Any], own: bool) -> c.FiguresQuery:
    q = call.query
    return c.FiguresQuery(
        call.user,
        q.start,
        q.end,
        getattr(q, "currency", "EUR"),
        own=own,
        limit=getattr(q, "limit", 10),
    )


async def get_sales(call: Call[None, MoneyQuery]) -> c.SalesReport:
    return await call.resolve(uc.ShowSales)(_question(call, own=False))


async def get_seller_ranking(call: Call[None, RankingQuery]) -> c.SellerRanking:
    return await call.resolve(uc.ShowSellerRanking)(_question(call, own=False))


async def get_funnel(call: Call[None, PeriodQuery]) -> c.FunnelReport:
    return await call.resolve(uc.ShowFunnel)(_question(call, own=False))


async def get_top_products(call: Call[None, RankingQuery]) -> c.TopProducts:
    return await call.resolve(uc.ShowTopProducts)(_question(call, own=False))


async def get_searches_without_results(call: Call[None, SearchesQuery]) -> c.SearchesWithoutResults:
    return await call.resolve(uc.ShowSearchesWithoutResults)(_question(call, own=False))


async def get_my_sales(call: Call[None, MoneyQuery]) -> c.SalesReport:
    return await call.resolve(uc.ShowSales)(_question(call, own=True))


async def get_my_funnel(call: Call[None, PeriodQuery]) -> c.FunnelReport:
    return await call.resolve(uc.ShowFunnel)(_question(call, own=True))


async def get_my_top_products(call: Call[None, RankingQuery]) -> c.TopProducts:
    return await call.resolve(uc.ShowTopProducts)(_question(call, own=True))


SALES = (
    "Orders paid and GMV (the value of the orders paid, on the day they were paid) for every day of the "
    "period, the period's totals and average order value, the refunds, and the payment authorizations tried "
    "and failed (declined or in error) with their failure rate." + PERIOD
)
FUNNEL = (
    "How many shoppers viewed a product, then added one to the cart, then checked out, then paid, each step "
    "within a day of the view (a guest's steps count as the account's once they logged in)." + PERIOD
)
TOP = "The products of the orders paid in the period, by revenue (then units sold)." + PERIOD

ENDPOINTS = [
    Endpoint(
        "GET", "/analytics/sales", get_sales, "The shop's sales, refunds and payment failures",
        group=ADMIN, tag=TAG, query=MoneyQuery, response=c.SalesReport, description=SALES,
    ),
    Endpoint(
        "GET", "/analytics/sellers", get_seller_ranking, "Sellers by GMV",
        group=ADMIN, tag=TAG, query=RankingQuery, response=c.SellerRanking,
        description="The sellers with the highest GMV in the period: orders paid holding their lines, the "
        "value of those lines, and their average per order." + PERIOD,
    ),
    Endpoint(
        "GET", "/analytics/funnel", get_funnel, "The shop's conversion funnel",
        group=ADMIN, tag=TAG, query=PeriodQuery, response=c.FunnelReport, description=FUNNEL,
    ),
    Endpoint(
        "GET", "/analytics/top-products", get_top_products, "The shop's top products",
        group=ADMIN, tag=TAG, query=RankingQuery, response=c.TopProducts, description=TOP,
    ),
    Endpoint(
        "GET", "/analytics/searches-without-results", get_searches_without_results,
        "What shoppers searched for and did not find",
        group=ADMIN, tag=TAG, query=SearchesQuery, response=c.SearchesWithoutResults,
        description="Searches that matched no product, by their text (trimmed, lowercased), most frequent "
        "first." + PERIOD,
    ),
    Endpoint(
        "GET", "/analytics/sales", get_my_sales, "Your sales, refunds and payment failures",
        group=SELLER, tag=TAG, query=MoneyQuery, response=c.SalesReport,
        description="As the shop's, of your own lines only: GMV is their value; an order counts when it holds "
        "one of them; a refund counts your share of the order." + PERIOD,
    ),
    Endpoint(
        "GET", "/analytics/funnel", get_my_funnel, "Your conversion funnel",
        group=SELLER, tag=TAG, query=PeriodQuery, response=c.FunnelReport,
        description="As the shop's, counting views and cart additions of your products and the orders "
        "holding them." + PERIOD,
    ),
    Endpoint(
        "GET", "/analytics/top-products", get_my_top_products, "Your top products",
        group=SELLER, tag=TAG, query=RankingQuery, response=c.TopProducts, description=TOP,
    ),
]  # fmt: skip
