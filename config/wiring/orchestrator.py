"""The orchestrator's sagas: their record in the orchestrator database, and the engine that runs them: the
built-in runner with its sweeper, or (infra, ``saga_engine = "temporal"``) Temporal with the saga worker.

The desks the sagas command (ports.checkout) are registered by the contexts that own them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import punq

from adapters.memory.orchestrator import MemoryOrchestratorUnitOfWork, MemorySagaCensus, SagaTables
from config.runtime import Wiring
from core.orchestrator import use_cases as uc
from core.orchestrator.commands import ResumeStalled
from core.orchestrator.definition import Desks, StepRule, rule_of
from core.orchestrator.model import Step
from entrypoints.workers.metrics import SagaMetrics
from entrypoints.workers.periodic import PeriodicWorker
from ports.checkout import OrderDesk, PaymentDesk, ShippingDesk, StockDesk
from ports.orchestrator import OrchestratorUnitOfWork, SagaCensus, SagaEngine
from ports.shared import Clock

DATABASE = "orchestrator"
SWEEPER = "saga-sweeper"
CENSUS = "saga-census"  # the sagas counted for /metrics: a loop of the saga sweeper's process
SWEEP_BATCH = 100
SAGA_WORKER = "saga-worker"  # Temporal's worker of the saga workflows


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
    c = w.container
    # Built when first used, after every context registered its desk (and the tracing wrapped them).
    c.register(
        Desks,
        factory=lambda: Desks(
            c.resolve(StockDesk), c.resolve(PaymentDesk), c.resolve(OrderDesk), c.resolve(ShippingDesk)
        ),
        scope=punq.Scope.singleton,
    )
    w.use_cases(uc.StartCheckoutSaga, uc.StartRefundSaga, uc.AdvanceSagas, uc.ListAllSagas, uc.ShowSaga)
    if w.infra and w.settings.saga_engine == "temporal":
        _temporal(w)
    else:
        _builtin(w)
    gauges = SagaMetrics(w.runtime.metrics, census, c.resolve(Clock))
    under = SAGA_WORKER if w.infra and w.settings.saga_engine == "temporal" else SWEEPER
    w.runtime.add_periodic(PeriodicWorker(CENSUS, gauges.take, w.settings.metrics_refresh_seconds), under=under)


def _rules(w: Wiring) -> Callable[[Step], StepRule]:
    """The definition's step rules, within the settings' limit if there is one."""
    limit = timedelta(seconds=w.settings.saga_step_limit_seconds)
    if not limit:
        return rule_of
    return lambda step: rule_of(step).within(limit)


def _builtin(w: Wiring) -> None:
    c = w.container
    opener = w.units_of_work_of(OrchestratorUnitOfWork)
    c.register(
        uc.SagaRunner,
        factory=lambda: uc.SagaRunner(opener, c.resolve(Clock), c.resolve(Desks), rules=_rules(w)),
        scope=punq.Scope.singleton,
    )
    c.register(SagaEngine, factory=lambda: c.resolve(uc.SagaRunner), scope=punq.Scope.singleton)
    w.use_cases(uc.ResumeStalledSagas)
    stall = w.settings.saga_stall_seconds

    async def sweep() -> int:
        sweeper = w.runtime.resolve(uc.ResumeStalledSagas)
        return await sweeper(ResumeStalled(stall, SWEEP_BATCH))

    w.runtime.add_periodic(PeriodicWorker(SWEEPER, sweep, w.settings.saga_sweep_seconds))


def _temporal(w: Wiring) -> None:
    from adapters.temporal.activities import SagaActivities
    from adapters.temporal.client import TemporalConnection, TemporalHealth
    from adapters.temporal.engine import TemporalSagaEngine
    from adapters.temporal.worker import run_saga_worker

    s, c = w.settings, w.container
    connection = TemporalConnection(s.temporal_address, s.temporal_namespace)
    opener = w.units_of_work_of(OrchestratorUnitOfWork)
    engine = TemporalSagaEngine(connection, s.temporal_task_queue, s.saga_stall_seconds, opener, rules=_rules(w))
    c.register(SagaEngine, instance=engine)
    w.runtime.health_checks.append(TemporalHealth("temporal", connection))
    w.runtime.quiet_checks.append(engine.quiet)

    async def work() -> None:
        await run_saga_worker(connection, s.temporal_task_queue, SagaActivities(c.resolve(Desks), opener))

    w.runtime.add_worker(SAGA_WORKER, work)
