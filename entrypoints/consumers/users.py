"""The users context's consumers: a profile for every new account, erasure for every deleted one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.auth.events import AccountDeleted, UserRegistered
from core.users.commands import CreateProfile, EraseUserData
from core.users.use_cases import CreateUserProfile, EraseUser
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "users"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_registered(event: UserRegistered) -> None:
        await runtime.resolve(CreateUserProfile)(CreateProfile(event.user_id, event.display_name))

    async def on_deleted(event: AccountDeleted) -> None:
        await runtime.resolve(EraseUser)(EraseUserData(event.user_id))

    bus.subscribe(GROUP, UserRegistered, idempotent(GROUP, inbox, on_registered))
    bus.subscribe(GROUP, AccountDeleted, idempotent(GROUP, inbox, on_deleted))
