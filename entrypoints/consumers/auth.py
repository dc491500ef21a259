"""The auth context's consumers: a verified seller gets the seller role, a suspended one loses it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.auth.commands import AdjustRoles
from core.auth.use_cases import AdjustUserRoles
from core.sellers.events import SellerReinstated, SellerSuspended, SellerVerified
from core.shared.security import Role
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "auth"
SELLER = frozenset({Role.SELLER})


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_verified(event: SellerVerified) -> None:
        await runtime.resolve(AdjustUserRoles)(AdjustRoles(event.user_id, add=SELLER, by=event.by))

    async def on_reinstated(event: SellerReinstated) -> None:
        await runtime.resolve(AdjustUserRoles)(AdjustRoles(event.user_id, add=SELLER, by=event.by))

    async def on_suspended(event: SellerSuspended) -> None:
        await runtime.resolve(AdjustUserRoles)(AdjustRoles(event.user_id, remove=SELLER, by=event.by))

    bus.subscribe(GROUP, SellerVerified, idempotent(GROUP, inbox, on_verified))
    bus.subscribe(GROUP, SellerReinstated, idempotent(GROUP, inbox, on_reinstated))
    bus.subscribe(GROUP, SellerSuspended, idempotent(GROUP, inbox, on_suspended))
