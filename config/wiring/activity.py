"""The activity context's wiring: the log in Elasticsearch and the signals in the recommendations
database (the seed's User Activity Worker writes both), or both in memory; the stream that takes what the
pages report goes to the runtime's publisher (Kafka on infra, the in-process bus on memory)."""

from __future__ import annotations

from adapters.activity_stream import BufferedActivityStream
from adapters.memory.activity import MemoryActivitySignalsUnitOfWork, SignalsTables
from adapters.memory.activity_log import MemoryActivityLog
from adapters.recent_shelves import RecentShelves
from config.runtime import Wiring
from core.activity import use_cases as uc
from ports.activity import ActivityLog, ActivityStream, SignalsUnitOfWork
from ports.catalog import ProductShelves
from ports.recommendations import ShopperSignals
from ports.shared import Clock

DATABASE = "recommendations"


def register(w: Wiring) -> None:
    s = w.settings
    log: ActivityLog
    if w.infra:
        from adapters.elasticsearch.activity_log import ElasticsearchActivityLog
        from adapters.postgres.activity.repository import PostgresActivitySignalsUnitOfWork

        elastic = ElasticsearchActivityLog.at(
            s.elasticsearch_url,
            s.search_index_prefix,
            timeout_seconds=s.elasticsearch_timeout_seconds,
        )
        w.runtime.on_close(elastic.close)
        log = elastic
        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(SignalsUnitOfWork, lambda: PostgresActivitySignalsUnitOfWork(pool, nudge))
    else:
        log, tables = MemoryActivityLog(), SignalsTables()
        w.units_of_work(SignalsUnitOfWork, lambda: MemoryActivitySignalsUnitOfWork(tables, w.bus))
    stream = BufferedActivityStream(w.runtime.publisher, w.runtime.metrics, capacity=s.activity_buffer_size)
    w.runtime.streams.append(stream)
    w.runtime.on_close(stream.close)
    w.container.register(ActivityStream, instance=stream)
    w.container.register(ActivityLog, instance=log)
    clock, uow = w.container.resolve(Clock), w.units_of_work_of(SignalsUnitOfWork)
    shelves = RecentShelves(w.container.resolve(ProductShelves))
    w.container.register(uc.RecordActivity, instance=uc.RecordActivity(log, uow, shelves, clock))
    w.use_cases(
        uc.TrackActivity,
        uc.FollowOrders,
        uc.ClaimGuest,
        uc.EraseShopperActivity,
        uc.ShowMyActivity,
        uc.ShowTopSearches,
    )
    w.container.register(ShopperSignals, factory=lambda: uc.SignalsOfShoppers(w.units_of_work_of(SignalsUnitOfWork)))
