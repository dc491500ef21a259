"""Every consumer handler runs through ``idempotent``: a redelivered event is recognised and skipped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.shared.events import Event
from ports.shared import EventHandler, Inbox

E = TypeVar("E", bound=Event)


def idempotent(group: str, inbox: Inbox, handle: Callable[[E], Awaitable[None]]) -> EventHandler:
    async def handler(event: Event) -> None:
        if await inbox.seen(group, event.event_id):
            return
        await handle(event)  # type: ignore[arg-type]
        await inbox.remember(group, event.event_id)

    return handler
