"""The orchestrator's use cases: the sagas themselves (sagas.py, driven by runner.py) and the admin's view."""

from core.orchestrator.use_cases.admin import ListAllSagas, ShowSaga
from core.orchestrator.use_cases.runner import SagaRunner
from core.orchestrator.use_cases.sagas import AdvanceSagas, ResumeStalledSagas, StartCheckoutSaga, StartRefundSaga

__all__ = [
    "AdvanceSagas",
    "ListAllSagas",
    "ResumeStalledSagas",
    "SagaRunner",
    "ShowSaga",
    "StartCheckoutSaga",
    "StartRefundSaga",
]
