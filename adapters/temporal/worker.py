"""The saga worker: runs the saga workflows and their activities from the sagas' task queue, until
cancelled. Any number of processes may run it: Temporal shares the tasks among them, and a workflow whose
worker died goes on in another."""

from __future__ import annotations

import asyncio
import logging

from temporalio.worker import Worker

from adapters.temporal.activities import SagaActivities
from adapters.temporal.client import TemporalConnection
from adapters.temporal.workflows import CheckoutSagaWorkflow, RefundSagaWorkflow
from core.shared.errors import Unavailable

log = logging.getLogger(__name__)

_RECONNECT_SECONDS = 1.0


async def run_saga_worker(connection: TemporalConnection, task_queue: str, activities: SagaActivities) -> None:
    """Poll the task queue until cancelled; while Temporal cannot be reached, or the worker failed, start
    again a second later."""
    while True:
        try:
            client = await connection.client()
            worker = Worker(
                client,
                task_queue=task_queue,
                workflows=[CheckoutSagaWorkflow, RefundSagaWorkflow],
                activities=activities.all,
            )
            await worker.run()  # returns when shut down; a cancellation shuts it down gracefully first
            return
        except Unavailable as error:
            log.warning("saga worker: %s; trying again", error)
        except Exception:
            log.exception("saga worker failed; starting again")
        await asyncio.sleep(_RECONNECT_SECONDS)
