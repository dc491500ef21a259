"""The analytics consumer group: every event of every topic, in batches, into the history (the seed's
events to ClickHouse). A batch is one insert; an event delivered again is kept once, by its id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.analytics import use_cases as uc
from core.shared.events import EventEnvelope
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "analytics"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    async def record(envelopes: Sequence[EventEnvelope]) -> None:
        await runtime.resolve(uc.RecordEvents)(envelopes)

    bus.subscribe_batches(GROUP, record)
