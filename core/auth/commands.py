"""Commands and results of the auth use cases (frozen attrs classes)."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.shared.pagination import PageRequest
from core.shared.security import Principal, Role


@attrs.frozen
class Register:
    email: str
    password: str = attrs.field(repr=False)
    display_name: str


@attrs.frozen
class Login:
    email: str
    password: str = attrs.field(repr=False)
    address: str = ""
    user_agent: str = ""


@attrs.frozen
class Logout:
    principal: Principal


@attrs.frozen
class LogoutEverywhere:
    principal: Principal


@attrs.frozen
class Authenticate:
    token: str = attrs.field(repr=False)


@attrs.frozen
class ChangePassword:
    principal: Principal
    current_password: str = attrs.field(repr=False)
    new_password: str = attrs.field(repr=False)


@attrs.frozen
class SetRoles:
    principal: Principal
    user_id: str
    roles: frozenset[Role]


@attrs.frozen
class ShareRoles:
    """The roles a user was given, for their sessions."""

    user_id: str
    roles: frozenset[Role]


@attrs.frozen
class EndSessions:
    user_id: str


@attrs.frozen
class AdjustRoles:
    """A role another context grants or withdraws (a verified seller becomes a seller), not a person."""

    user_id: str
    add: frozenset[Role] = frozenset()
    remove: frozenset[Role] = frozenset()
    by: str = "system"


@attrs.frozen
class DeleteAccount:
    principal: Principal
    password: str = attrs.field(repr=False)


@attrs.frozen
class GetAccount:
    """The caller's account, or (for an admin) another one by id or by email."""

    principal: Principal
    user_id: str | None = None
    email: str | None = None


@attrs.frozen
class ListAccounts:
    principal: Principal
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class ListSessions:
    principal: Principal


@attrs.frozen
class AccountView:
    """What the API may show of an account: never the hash."""

    user_id: str
    email: str
    roles: list[Role]
    created_at: datetime
    last_login_at: datetime | None


@attrs.frozen
class SessionIssued:
    token: str = attrs.field(repr=False)
    user_id: str
    expires_at: datetime


@attrs.frozen
class SessionView:
    session_id: str
    created_at: datetime
    expires_at: datetime
    address: str
    user_agent: str
    current: bool
