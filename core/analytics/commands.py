"""Commands and views of the analytics context. Amounts are ``Money`` in the question's currency."""

from __future__ import annotations

from datetime import date

import attrs

from core.shared.money import Money
from core.shared.security import Principal


@attrs.frozen
class FiguresQuery:
    """Figures of ``start`` to ``end`` (both included, UTC days; by default the 30 days to today) in
    ``currency``: the whole shop's (an admin), or with ``own`` the caller's own products and orders only (a
    seller)."""

    principal: Principal
    start: date | None
    end: date | None
    currency: str
    own: bool = False
    limit: int = 10


@attrs.frozen
class DayFigures:
    day: date
    orders: int
    gmv: Money
    average_order_value: Money


@attrs.frozen
class RefundFigures:
    refunds: int
    amount: Money


@attrs.frozen
class PaymentFigures:
    """Authorizations tried, how many failed (a decline or an error), and the share that failed."""

    attempts: int
    failed: int
    failure_rate: float


@attrs.frozen
class SalesReport:
    """GMV (paid orders' value, on the day they were paid) and orders per day, every day of the period
    listed; the period's totals; refunds and payment failures."""

    start: date
    end: date
    currency: str
    seller_id: str | None
    orders: int
    gmv: Money
    average_order_value: Money
    days: list[DayFigures]
    refunds: RefundFigures
    payments: PaymentFigures


@attrs.frozen
class SellerFigures:
    seller_id: str
    orders: int
    gmv: Money
    average_order_value: Money


@attrs.frozen
class SellerRanking:
    start: date
    end: date
    currency: str
    sellers: list[SellerFigures]


@attrs.frozen
class FunnelStep:
    """``shoppers`` reached this step; ``conversion``: their share of those who reached the step before
    (1 for the first); ``overall``: their share of those who reached the first."""

    step: str
    shoppers: int
    conversion: float
    overall: float


@attrs.frozen
class FunnelReport:
    start: date
    end: date
    seller_id: str | None
    window_hours: int
    steps: list[FunnelStep]


@attrs.frozen
class ProductFigures:
    product_id: str
    title: str
    units: int
    revenue: Money


@attrs.frozen
class TopProducts:
    start: date
    end: date
    currency: str
    seller_id: str | None
    products: list[ProductFigures]


@attrs.frozen
class SearchFigures:
    query: str
    searches: int


@attrs.frozen
class SearchesWithoutResults:
    start: date
    end: date
    searches: list[SearchFigures]
