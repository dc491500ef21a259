"""The analytics context: the event history and business figures in ClickHouse on infra (a server when
``clickhouse_url`` is set, else the engine embedded in the process), in memory otherwise. The history is
fed by the analytics consumer group, which reads every topic; its writes are idempotent by event id, so the
group needs no inbox."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory.analytics import MemoryAnalytics
from config.runtime import Wiring
from core.analytics import use_cases as uc
from ports.analytics import AnalyticsQueries, AnalyticsSink
from ports.shared import Clock


def register(w: Wiring) -> None:
    s = w.settings
    store: AnalyticsSink
    if w.infra:
        from adapters.clickhouse.analytics import ClickHouseAnalytics, ClickHouseHealth
        from adapters.clickhouse.clients import ClickHouseClient, EmbeddedClickHouse, ServerClickHouse

        client: ClickHouseClient
        if s.clickhouse_url:
            client = ServerClickHouse(s.clickhouse_url, s.clickhouse_timeout_seconds)
        else:
            client = EmbeddedClickHouse(s.analytics_path)
        w.runtime.on_close(client.close)
        store = ClickHouseAnalytics(client, s.analytics_database)
        w.runtime.health_checks.append(ClickHouseHealth("clickhouse", store))
    else:
        store = MemoryAnalytics()
    w.container.register(AnalyticsSink, instance=store)
    w.container.register(AnalyticsQueries, instance=store)  # the one store answers both ports
    ttl = timedelta(seconds=s.analytics_cache_seconds)
    w.container.register(uc.FiguresCache, instance=uc.FiguresCache(w.container.resolve(Clock), ttl))
    w.use_cases(
        uc.RecordEvents,
        uc.ShowSales,
        uc.ShowSellerRanking,
        uc.ShowFunnel,
        uc.ShowTopProducts,
        uc.ShowSearchesWithoutResults,
    )
