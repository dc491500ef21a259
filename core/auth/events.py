from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event


@domain_event("auth.UserRegistered.v1", key="user_id")
@attrs.frozen(kw_only=True)
class UserRegistered(Event):
    user_id: str
    email: str
    display_name: str


@domain_event("auth.UserLoggedIn.v1", key="user_id")
@attrs.frozen(kw_only=True)
class UserLoggedIn(Event):
    user_id: str
    address: str


@domain_event("auth.PasswordChanged.v1", key="user_id")
@attrs.frozen(kw_only=True)
class PasswordChanged(Event):
    user_id: str


@domain_event("auth.RolesChanged.v1", key="user_id")
@attrs.frozen(kw_only=True)
class RolesChanged(Event):
    user_id: str
    roles: list[str]
    by: str


@domain_event("auth.AccountDeleted.v1", key="user_id")
@attrs.frozen(kw_only=True)
class AccountDeleted(Event):
    user_id: str
