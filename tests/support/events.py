"""An in-process event bus that also keeps every envelope it delivered, for tests to read.

The served bus keeps nothing (a long-running memory-profile server would grow for ever); a test that wants
to see what was published builds this one instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.event_bus import InProcessEventBus
from core.shared.events import EventEnvelope


class RecordingEventBus(InProcessEventBus):
    def __init__(self) -> None:
        super().__init__()
        self.delivered: list[EventEnvelope] = []

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        self.delivered.extend(envelopes)
        await super().publish(envelopes)
