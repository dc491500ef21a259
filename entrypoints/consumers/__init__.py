"""Event consumers, one module per context that reacts to other contexts' events."""

from __future__ import annotations

import punq

from entrypoints.consumers import users
from ports.shared import EventSubscriber

GROUPS = {"users": users.subscribe}


def subscribe_all(bus: EventSubscriber, container: punq.Container, groups: list[str] | None = None) -> None:
    for name, subscribe in GROUPS.items():
        if groups is None or name in groups:
            subscribe(bus, container)
