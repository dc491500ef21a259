"""The recommendations context's consumers: a user whose signals changed gets their list rebuilt (after
a short wait for the changes right behind), and a user whose activity was erased loses their list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.activity.events import ActivityErased, ShopperSignalsChanged
from core.recommendations import commands as c
from core.recommendations import use_cases as uc
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "recommendations"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_changed(event: ShopperSignalsChanged) -> None:
        await runtime.resolve(uc.QueueListBuild)(c.QueueBuild(event.user_id))

    async def on_erased(event: ActivityErased) -> None:
        await runtime.resolve(uc.DropPersonalList)(c.DropList(event.user_id))

    bus.subscribe(GROUP, ShopperSignalsChanged, idempotent(GROUP, inbox, on_changed))
    bus.subscribe(GROUP, ActivityErased, idempotent(GROUP, inbox, on_erased))
