"""What the analytics context needs: somewhere to keep the event history (``AnalyticsSink``) and the
questions it asks of it (``AnalyticsQueries``). ClickHouse serves both on infra (embedded as chdb, or a
server through clickhouse-connect), Python lists in memory; ``core.analytics.model`` says what each figure
means, and tests/contract/test_analytics_store.py holds every adapter to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.analytics.model import (
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


class AnalyticsSink(Protocol):
    async def write(self, events: Sequence[RecordedEvent]) -> None:
        """Keep ``events`` (one batch: a single insert). An event written again (a redelivery) is kept once,
        by its id."""
        ...


class AnalyticsQueries(Protocol):
    async def sales_by_day(self, scope: Scope) -> list[DaySales]:
        """Orders paid and GMV per day of the period that had any, oldest first."""
        ...

    async def sales_by_seller(self, scope: Scope, limit: int) -> list[SellerSales]:
        """The sellers with the highest GMV in the period (the scope's seller alone, if it names one)."""
        ...

    async def top_products(self, scope: Scope, limit: int) -> list[ProductSales]:
        """The products of paid orders with the highest revenue (then units, then id)."""
        ...

    async def refunds(self, scope: Scope) -> RefundTotals: ...

    async def payment_attempts(self, scope: Scope) -> PaymentAttempts:
        """Authorizations tried in the period (every currency: a failure carries no amount)."""
        ...

    async def funnel(self, scope: Scope) -> FunnelLevels: ...

    async def searches_without_results(self, period: Period, limit: int) -> list[SearchCount]:
        """The searches (by their text, trimmed and lowercased) that found nothing, most frequent first."""
        ...
