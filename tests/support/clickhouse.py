"""The embedded ClickHouse (chdb) for the tests: one data path per test process (chdb holds only one), a
database per store. The path is ``MARKETPLACE_ANALYTICS_PATH`` when set, else a temporary directory made
once and removed at exit; each store's database is ``test<random>`` and is dropped after use."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid

from adapters.clickhouse.analytics import ClickHouseAnalytics
from adapters.clickhouse.clients import EmbeddedClickHouse

_path: str | None = None


def embedded_path() -> str:
    global _path
    if _path is None:
        _path = os.environ.get("MARKETPLACE_ANALYTICS_PATH") or tempfile.mkdtemp(prefix="marketplace-chdb-")
        if "MARKETPLACE_ANALYTICS_PATH" not in os.environ:
            atexit.register(shutil.rmtree, _path, True)
    return _path


def scratch_database() -> str:
    return f"test{uuid.uuid4().hex[:10]}"


async def scratch_analytics(database: str | None = None) -> ClickHouseAnalytics:
    """An empty store in a database of its own (``drop`` it after use)."""
    store = ClickHouseAnalytics(EmbeddedClickHouse(embedded_path()), database or scratch_database())
    await store.ensure()
    return store
