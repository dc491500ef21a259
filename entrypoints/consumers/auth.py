"""The auth context's consumers: a verified seller gets the seller role, a suspended one loses it; a role
change reaches the user's sessions and a deleted account's sessions end, even when the change's own
follow-up was cut short."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.auth.commands import AdjustRoles, EndSessions, ShareRoles
from core.auth.events import AccountDeleted, RolesChanged
from core.auth.use_cases import AdjustUserRoles, EndSessionsOfDeletedAccount, ShareRolesWithSessions
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

    async def on_roles_changed(event: RolesChanged) -> None:
        roles = frozenset(Role(r) for r in event.roles)
        await runtime.resolve(ShareRolesWithSessions)(ShareRoles(event.user_id, roles))

    async def on_deleted(event: AccountDeleted) -> None:
        await runtime.resolve(EndSessionsOfDeletedAccount)(EndSessions(event.user_id))

    bus.subscribe(GROUP, SellerVerified, idempotent(GROUP, inbox, on_verified))
    bus.subscribe(GROUP, SellerReinstated, idempotent(GROUP, inbox, on_reinstated))
    bus.subscribe(GROUP, SellerSuspended, idempotent(GROUP, inbox, on_suspended))
    bus.subscribe(GROUP, RolesChanged, idempotent(GROUP, inbox, on_roles_changed))
    bus.subscribe(GROUP, AccountDeleted, idempotent(GROUP, inbox, on_deleted))
