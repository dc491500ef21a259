"""The orchestrator's sagas: their state in the orchestrator database, and the saga sweeper.

The desks the sagas command (ports.checkout) are registered by the contexts that own them.
"""

from __future__ import annotations

from adapters.memory.orchestrator import MemoryOrchestratorUnitOfWork, MemorySagaCensus, SagaTables
from config.runtime import Wiring
from core.orchestrator import use_cases as uc
from core.orchestrator.commands import ResumeStalled
from entrypoints.workers.metrics import SagaMetrics
from entrypoints.workers.periodic import PeriodicWorker
from ports.orchestrator import OrchestratorUnitOfWork, SagaCensus
from ports.shared import Clock

DATABASE = "orchestrator"
SWEEPER = "saga-sweeper"
CENSUS = "saga-census"  # the sagas counted for /metrics: a loop of the saga sweeper's process
SWEEP_BATCH = 100


def register(w: Wiring) -> None:
    census: SagaCensus
    if w.infra:
        from adapters.postgres.orchestrator.repository import PostgresOrchestratorUnitOfWork, PostgresSagaCensus

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(OrchestratorUnitOfWork, lambda: PostgresOrchestratorUnitOfWork(pool, nudge))
        census = PostgresSagaCensus(pool)
    else:
        tables = SagaTables()
        w.units_of_work(OrchestratorUnitOfWork, lambda: MemoryOrchestratorUnitOfWork(tables, w.bus))
        census = MemorySagaCensus(tables)
    w.use_cases(
        uc.StartCheckoutSaga,
        uc.StartRefundSaga,
        uc.AdvanceSagas,
        uc.ResumeStalledSagas,
        uc.ListAllSagas,
        uc.ShowSaga,
    )
    stall = w.settings.saga_stall_seconds

    async def sweep() -> int:
        sweeper = w.runtime.resolve(uc.ResumeStalledSagas)
        return await sweeper(ResumeStalled(stall, SWEEP_BATCH))

    w.runtime.add_periodic(PeriodicWorker(SWEEPER, sweep, w.settings.saga_sweep_seconds))
    gauges = SagaMetrics(w.runtime.metrics, census, w.container.resolve(Clock))
    w.runtime.add_periodic(PeriodicWorker(CENSUS, gauges.take, w.settings.metrics_refresh_seconds), under=SWEEPER)
