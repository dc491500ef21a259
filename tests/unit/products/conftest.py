"""Fixtures of the catalogue's unit tests (categories and product cards)."""

from __future__ import annotations

import pytest

from adapters.memory.clock import ManualClock, SequentialIds
from tests.support.events import RecordingEventBus

from .catalog_harness import CatalogApp


@pytest.fixture
def catalog(clock: ManualClock, ids: SequentialIds, bus: RecordingEventBus) -> CatalogApp:
    return CatalogApp(clock, ids, bus)


@pytest.fixture
async def phones(catalog: CatalogApp) -> str:
    """A category "Phones" under "Electronics"; returns the id of "Phones"."""
    electronics = await catalog.category("Electronics")
    return await catalog.category("Phones", electronics)
