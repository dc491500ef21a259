"""The in-process event bus: the ``EventPublisher`` of the memory profile and of a single process.

Handlers subscribe per (consumer group, event type). ``publish`` hands each envelope to every handler
subscribed to its type, in the order given (so one aggregate's events arrive in order). A handler that
fails does not stop the others; ``publish`` raises once all were tried, so an outbox relay keeps the
event and delivers it again (the consumers' inbox skips the handlers that already succeeded).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

from core.shared.errors import Unavailable
from core.shared.events import Event, EventEnvelope, correlation_id, from_envelope
from ports.shared import EventHandler

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    def __init__(self, failures: list[tuple[str, str, BaseException]]) -> None:
        self.failures = failures
        first = failures[0]
        super().__init__(f"{len(failures)} handler(s) failed; first: {first[1]} in {first[0]}: {first[2]!r}")


class InProcessEventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[tuple[str, EventHandler]]] = defaultdict(list)
        self.delivered: list[EventEnvelope] = []

    def subscribe(self, group: str, event_type: type[Event], handler: EventHandler) -> None:
        self._handlers[event_type.type_name].append((group, handler))

    async def publish(self, envelopes: Sequence[EventEnvelope]) -> None:
        failures: list[tuple[str, str, BaseException]] = []
        for envelope in envelopes:
            self.delivered.append(envelope)
            subscribers = self._handlers.get(envelope.type, [])
            if not subscribers:
                continue
            event = from_envelope(envelope)
            token = correlation_id.set(envelope.correlation_id or envelope.id)
            try:
                for group, handler in subscribers:
                    try:
                        await handler(event)
                    except Exception as exc:
                        log.exception("handler of %s in group %s failed", envelope.type, group)
                        failures.append((group, envelope.type, exc))
            finally:
                correlation_id.reset(token)
        if failures and all(isinstance(exc, Unavailable) for _, _, exc in failures):
            # Only outages: a retry will do, nothing is wrong with the events themselves.
            raise Unavailable(f"consumers unavailable: {failures[0][2]}")
        if failures:
            raise DeliveryFailed(failures)
