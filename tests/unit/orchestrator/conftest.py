"""The orchestrator's use cases over the in-memory saga store and fake desks (tests/support/sagas.py), on
the built-in runner."""

from __future__ import annotations

import pytest

from adapters.memory.clock import ManualClock
from tests.support.sagas import AUTHORIZED_PATH, ORDER, SagasApp, unavailable

__all__ = ["AUTHORIZED_PATH", "ORDER", "SagasApp", "unavailable"]


@pytest.fixture
def sagas(clock: ManualClock) -> SagasApp:
    return SagasApp(clock)
