"""The users context's consumers: a profile for every new account, erasure for every deleted one."""

from __future__ import annotations

import punq

from core.auth.events import AccountDeleted, UserRegistered
from core.users.commands import CreateProfile, EraseUserData
from core.users.use_cases import CreateUserProfile, EraseUser
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber, Inbox

GROUP = "users"


def subscribe(bus: EventSubscriber, container: punq.Container) -> None:
    inbox = container.resolve(Inbox)

    async def on_registered(event: UserRegistered) -> None:
        await container.resolve(CreateUserProfile)(CreateProfile(event.user_id, event.display_name))

    async def on_deleted(event: AccountDeleted) -> None:
        await container.resolve(EraseUser)(EraseUserData(event.user_id))

    bus.subscribe(GROUP, UserRegistered, idempotent(GROUP, inbox, on_registered))
    bus.subscribe(GROUP, AccountDeleted, idempotent(GROUP, inbox, on_deleted))
