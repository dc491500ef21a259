"""Event consumers, one module per context that reacts to other contexts' events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from entrypoints.consumers import (
    auth,
    cart,
    logistics,
    moderation,
    orchestrator,
    orders,
    payments,
    products,
    search,
    sellers,
    users,
)
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

# Consumer group -> the function that subscribes its handlers.
GROUPS = {
    "auth": auth.subscribe,
    "users": users.subscribe,
    "sellers": sellers.subscribe,
    "moderation": moderation.subscribe,
    "search": search.subscribe,
    "products": products.subscribe,
    "cart": cart.subscribe,
    "orders": orders.subscribe,
    "payments": payments.subscribe,
    "logistics": logistics.subscribe,
    "orchestrator": orchestrator.subscribe,
}


def subscribe_all(bus: EventSubscriber, runtime: Runtime, groups: list[str] | None = None) -> None:
    for name, subscribe in GROUPS.items():
        if groups is None or name in groups:
            subscribe(bus, runtime)
