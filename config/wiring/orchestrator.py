"""The orchestrator's sagas: their state in the orchestrator database, and the saga sweeper.

The desks the sagas command (ports.checkout) are registered by the contexts that own them.
"""

from __future__ import annotations

from adapters.memory.orchestrator import MemoryOrchestratorUnitOfWork, SagaTables
from config.runtime import Wiring
from core.orchestrator import use_cases as uc
from core.orchestrator.commands import ResumeStalled
from entrypoints.workers.periodic import PeriodicWorker
from ports.orchestrator import OrchestratorUnitOfWork

DATABASE = "orchestrator"
SWEEPER = "saga-sweeper"
SWEEP_BATCH = 100


def register(w: Wiring) -> None:
    if w.infra:
        from adapters.postgres.orchestrator.repository import PostgresOrchestratorUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(OrchestratorUnitOfWork, lambda: PostgresOrchestratorUnitOfWork(pool, nudge))
    else:
        tables = SagaTables()
        w.units_of_work(OrchestratorUnitOfWork, lambda: MemoryOrchestratorUnitOfWork(tables, w.bus))
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
