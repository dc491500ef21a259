"""The Temporal dev server scripts/services runs, as the tests reach it."""

from __future__ import annotations

import contextlib
import os

from temporalio.service import RPCError

from adapters.temporal.client import TemporalConnection

DEFAULT_ADDRESS = "127.0.0.1:27233"  # scripts/services' default, as config.settings'


def temporal_address() -> str:
    return os.environ.get("MARKETPLACE_TEMPORAL_ADDRESS", DEFAULT_ADDRESS)


def temporal_connection() -> TemporalConnection:
    return TemporalConnection(temporal_address(), "default")


async def end_workflows(task_queue: str) -> None:
    """Terminate the workflows still running on ``task_queue`` (a test's sagas left waiting for news)."""
    client = await temporal_connection().client()
    query = f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Running'"
    async for execution in client.list_workflows(query):
        with contextlib.suppress(RPCError):  # ended meanwhile
            await client.get_workflow_handle(execution.id, run_id=execution.run_id).terminate("the test ended")
