"""The test harness: the auth and users use cases over the in-memory adapters, wired by hand."""

from __future__ import annotations

from typing import TypeVar

import attrs

from adapters.memory.auth import AuthTables, MemoryAuthUnitOfWork, MemorySessionStore
from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.users import MemoryUsersUnitOfWork, UsersTables
from adapters.memory.window_counter import MemoryWindowCounter
from adapters.system import Argon2PasswordHasher, SecureTokens
from core.auth import use_cases as auth_uc
from core.auth.commands import (
    AccountView,
    Authenticate,
    Login,
    Register,
    SessionIssued,
    SetRoles,
)
from core.auth.model import Account
from core.auth.use_cases import AuthPolicy
from core.shared.events import Event, EventEnvelope, from_envelope
from core.shared.security import Principal, Role
from core.users import use_cases as users_uc
from core.users.commands import CreateProfile
from core.users.model import Address, Profile
from tests.support.events import RecordingEventBus

E = TypeVar("E", bound=Event)

# Passes the policy for every email the tests use.
PASSWORD = "correct horse battery"
# A principal that SetUserRoles accepts as an admin, backed by no account: test set-up only.
ROOT = Principal("root-admin", frozenset({Role.ADMIN}))


class Monotonic:
    """The ``monotonic`` callable of the failure counter, advanced by hand."""

    def __init__(self, start: float = 10_000.0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@attrs.define
class Published:
    """What the in-process bus delivered, decoded back into events."""

    bus: RecordingEventBus

    @property
    def envelopes(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)

    def types(self) -> list[str]:
        return [e.type for e in self.bus.delivered]

    def of(self, event_type: type[E]) -> list[E]:
        return [
            event  # type: ignore[misc]
            for envelope in self.bus.delivered
            if envelope.type == event_type.type_name
            for event in [from_envelope(envelope)]
        ]

    def clear(self) -> None:
        self.bus.delivered.clear()


@attrs.define
class AuthApp:
    clock: ManualClock
    monotonic: Monotonic
    ids: SequentialIds
    bus: RecordingEventBus
    hasher: Argon2PasswordHasher
    policy: AuthPolicy
    tables: AuthTables = attrs.Factory(AuthTables)
    tokens: SecureTokens = attrs.Factory(SecureTokens)
    sessions: MemorySessionStore = attrs.field(init=False)
    failures: MemoryWindowCounter = attrs.field(init=False)

    PASSWORD = PASSWORD
    root = ROOT

    def __attrs_post_init__(self) -> None:
        self.sessions = MemorySessionStore(self.clock)
        self.failures = MemoryWindowCounter(monotonic=self.monotonic)

    def uow(self) -> MemoryAuthUnitOfWork:
        return MemoryAuthUnitOfWork(self.tables, self.bus)

    # The use cases, each over a fresh unit of work.
    @property
    def register(self) -> auth_uc.RegisterUser:
        return auth_uc.RegisterUser(self.uow, self.hasher, self.ids, self.clock)

    @property
    def log_in(self) -> auth_uc.LogIn:
        return auth_uc.LogIn(self.uow, self.sessions, self.failures, self.hasher, self.tokens, self.clock, self.policy)

    @property
    def authenticate(self) -> auth_uc.AuthenticateSession:
        return auth_uc.AuthenticateSession(self.uow, self.sessions, self.clock)

    @property
    def log_out(self) -> auth_uc.LogOut:
        return auth_uc.LogOut(self.sessions)

    @property
    def log_out_everywhere(self) -> auth_uc.LogOutEverywhere:
        return auth_uc.LogOutEverywhere(self.sessions)

    @property
    def list_sessions(self) -> auth_uc.ListMySessions:
        return auth_uc.ListMySessions(self.sessions)

    @property
    def change_password(self) -> auth_uc.ChangeMyPassword:
        return auth_uc.ChangeMyPassword(self.uow, self.sessions, self.hasher, self.confirm, self.clock)

    @property
    def set_roles(self) -> auth_uc.SetUserRoles:
        return auth_uc.SetUserRoles(self.uow, self.sessions, self.clock)

    @property
    def get_account(self) -> auth_uc.GetAccountInfo:
        return auth_uc.GetAccountInfo(self.uow)

    @property
    def list_accounts(self) -> auth_uc.ListAllAccounts:
        return auth_uc.ListAllAccounts(self.uow)

    @property
    def delete_account(self) -> auth_uc.DeleteMyAccount:
        return auth_uc.DeleteMyAccount(self.uow, self.sessions, self.confirm, self.clock)

    @property
    def confirm(self) -> auth_uc.PasswordConfirmation:
        return auth_uc.PasswordConfirmation(self.hasher, self.failures, self.policy)

    # Shortcuts for the set-up of a test.
    async def sign_up(
        self, email: str = "alice@example.com", password: str = PASSWORD, display_name: str = "Alice"
    ) -> AccountView:
        return await self.register(Register(email, password, display_name))

    async def open_session(
        self,
        email: str = "alice@example.com",
        password: str = PASSWORD,
        address: str = "",
        user_agent: str = "",
    ) -> SessionIssued:
        return await self.log_in(Login(email, password, address, user_agent))

    async def principal(self, token: str) -> Principal:
        return await self.authenticate(Authenticate(token))

    async def signed_in(
        self, email: str = "alice@example.com", password: str = PASSWORD, display_name: str = "Alice"
    ) -> tuple[Principal, str]:
        """Register, log in, authenticate: the principal and its bearer token."""
        await self.sign_up(email, password, display_name)
        issued = await self.open_session(email, password)
        return await self.principal(issued.token), issued.token

    async def grant(self, user_id: str, *roles: Role) -> None:
        await self.set_roles(SetRoles(ROOT, user_id, frozenset(roles)))

    async def stored(self, user_id: str) -> Account | None:
        async with self.uow() as uow:
            return await uow.accounts.get(user_id)


@attrs.define
class UsersApp:
    clock: ManualClock
    ids: SequentialIds
    bus: RecordingEventBus
    tables: UsersTables = attrs.Factory(UsersTables)

    def uow(self) -> MemoryUsersUnitOfWork:
        return MemoryUsersUnitOfWork(self.tables, self.bus)

    @property
    def create_profile(self) -> users_uc.CreateUserProfile:
        return users_uc.CreateUserProfile(self.uow, self.clock)

    @property
    def erase(self) -> users_uc.EraseUser:
        return users_uc.EraseUser(self.uow, self.clock)

    @property
    def show(self) -> users_uc.ShowProfile:
        return users_uc.ShowProfile(self.uow)

    @property
    def edit(self) -> users_uc.EditProfile:
        return users_uc.EditProfile(self.uow, self.clock)

    @property
    def preferences(self) -> users_uc.ChangePreferences:
        return users_uc.ChangePreferences(self.uow, self.clock)

    @property
    def add_address(self) -> users_uc.AddUserAddress:
        return users_uc.AddUserAddress(self.uow, self.ids, self.clock)

    @property
    def list_addresses(self) -> users_uc.ListUserAddresses:
        return users_uc.ListUserAddresses(self.uow)

    @property
    def change_address(self) -> users_uc.ChangeUserAddress:
        return users_uc.ChangeUserAddress(self.uow, self.clock)

    @property
    def remove_address(self) -> users_uc.RemoveUserAddress:
        return users_uc.RemoveUserAddress(self.uow, self.clock)

    async def member(self, user_id: str = "user-1", display_name: str = "Alice") -> Principal:
        """A user with a profile, as the UserRegistered consumer leaves it."""
        await self.create_profile(CreateProfile(user_id, display_name))
        return Principal(user_id, frozenset({Role.CUSTOMER}))

    async def stored_profile(self, user_id: str) -> Profile | None:
        async with self.uow() as uow:
            return await uow.profiles.get(user_id)

    async def stored_addresses(self, user_id: str) -> list[Address]:
        async with self.uow() as uow:
            return await uow.addresses.list_for_user(user_id)
