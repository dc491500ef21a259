"""The payments context's consumers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "payments"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    pass
