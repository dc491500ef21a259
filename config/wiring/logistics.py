"""The logistics context's wiring: shipments in memory or in the shipments database; the carrier in-process
(the sandbox carrier's simulator, moved by the "sandbox-carrier" worker) or over HTTP at logistics_api_url."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.logistics_api.simulator import CarrierSimulator
from adapters.memory.logistics import LogisticsTables, MemoryLogisticsUnitOfWork
from config.runtime import Wiring
from core.logistics import use_cases as uc
from core.logistics.commands import CarrierUpdate, TrackParcels
from core.logistics.desk import ShipmentsForSagas
from core.logistics.model import TrackingSource
from entrypoints.workers.periodic import PeriodicWorker
from ports.checkout import ShippingDesk
from ports.logistics import LogisticsApi, LogisticsUnitOfWork
from ports.shared import Clock, IdGenerator

DATABASE = "shipments"
POLLER = "shipment-poller"
SANDBOX_CARRIER = "sandbox-carrier"
POLL_BATCH = 100


def register(w: Wiring) -> None:
    s = w.settings
    if w.infra:
        from adapters.logistics_api.client import HttpLogisticsApi
        from adapters.postgres.logistics.repository import PostgresLogisticsUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(LogisticsUnitOfWork, lambda: PostgresLogisticsUnitOfWork(pool, nudge))
        client = HttpLogisticsApi(
            s.logistics_api_url,
            s.logistics_api_key,
            timeout_seconds=s.logistics_api_timeout_seconds,
            retries=s.logistics_api_retries,
            deadline_seconds=s.outbound_deadline_seconds,
            metrics=w.outbound_metrics,
        )
        w.runtime.on_close(client.close)
        w.container.register(LogisticsApi, instance=w.runtime.tracing.wrap(client, "carrier", peer="carrier"))
    else:
        from adapters.logistics_api.memory import MemoryLogisticsApi

        tables = LogisticsTables()
        w.units_of_work(LogisticsUnitOfWork, lambda: MemoryLogisticsUnitOfWork(tables, w.bus))
        simulator = CarrierSimulator(w.container.resolve(Clock), step_seconds=s.sandbox_carrier_step_seconds)
        w.container.register(CarrierSimulator, instance=simulator)
        carrier = MemoryLogisticsApi(simulator)
        w.container.register(LogisticsApi, instance=w.runtime.tracing.wrap(carrier, "carrier", peer="carrier"))
        simulator.listeners.append(_recorder(w))
        w.runtime.add_periodic(PeriodicWorker(SANDBOX_CARRIER, simulator.tick, 1.0))
    w.use_cases(
        uc.RecordCarrierUpdate,
        uc.PollCarrier,
        uc.ShowTracking,
        uc.ListCarrierShipments,
        uc.ReportShipmentStatus,
        uc.ListAllShipments,
        uc.HandToCarrier,
    )
    w.container.register(
        ShippingDesk,
        factory=lambda: ShipmentsForSagas(
            w.units_of_work_of(LogisticsUnitOfWork),
            w.container.resolve(LogisticsApi),
            w.container.resolve(IdGenerator),
            w.container.resolve(Clock),
        ),
    )

    async def poll() -> int:
        handled: int = await w.runtime.resolve(uc.PollCarrier)(TrackParcels(POLL_BATCH))
        return handled

    w.runtime.add_periodic(PeriodicWorker(POLLER, poll, s.shipment_poll_seconds))


def _recorder(w: Wiring) -> Any:
    """The in-process carrier's events go straight to RecordCarrierUpdate, as its webhooks would."""

    async def record(event: dict[str, Any]) -> None:
        update = CarrierUpdate(
            tracking_number=str(event["tracking_number"]),
            status=str(event["status"]),
            location=str(event["location"]),
            occurred_at=datetime.fromisoformat(str(event["occurred_at"])),
            source=TrackingSource.WEBHOOK,
            ref=str(event["id"]),
        )
        await w.runtime.resolve(uc.RecordCarrierUpdate)(update)

    return record
