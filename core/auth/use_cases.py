"""Auth use cases: register, log in and out, sessions, passwords, roles, account deletion."""

from __future__ import annotations

import logging
from datetime import timedelta

import attrs

from core.auth.commands import (
    AccountView,
    AdjustRoles,
    Authenticate,
    ChangePassword,
    DeleteAccount,
    EndSessions,
    GetAccount,
    ListAccounts,
    ListSessions,
    Login,
    Logout,
    LogoutEverywhere,
    Register,
    SessionIssued,
    SessionView,
    SetRoles,
    ShareRoles,
)
from core.auth.model import (
    PASSWORD_MAX,
    Account,
    Session,
    check_display_name,
    check_password,
    normalise_email,
    session_id_of,
)
from core.shared.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
    Validation,
    ValidationFailed,
)
from core.shared.pagination import Page
from core.shared.security import Principal, Role
from ports.auth import AuthUnitOfWork, PasswordHasher, SessionStore, TokenGenerator
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory, WindowCounter

log = logging.getLogger(__name__)


@attrs.frozen
class AuthPolicy:
    """The numbers of the auth context; settings provide them."""

    session_ttl_seconds: int = 7 * 24 * 3600
    failures_per_account: int = 5
    failures_per_address: int = 20
    failure_window_seconds: int = 15 * 60
    max_sessions_per_user: int = 50


async def _refuse_if_throttled(failures: WindowCounter, key: str, limit: int) -> None:
    count, retry_after = await failures.get(key)
    if count >= limit:
        raise TooManyRequests("too many wrong passwords; try again later", retry_after)


class PasswordConfirmation:
    """The password check of a logged-in caller (before a password change or a deletion).

    Throttled like a login: a stolen session must not become a way to guess the password.
    """

    def __init__(self, hasher: PasswordHasher, failures: WindowCounter, policy: AuthPolicy) -> None:
        self.hasher, self.failures, self.policy = hasher, failures, policy

    async def __call__(self, account: Account, password: str, field: str) -> None:
        key = f"password:account:{account.id}"
        await _refuse_if_throttled(self.failures, key, self.policy.failures_per_account)
        if len(password) > PASSWORD_MAX or not await self.hasher.verify(account.password_hash, password):
            await self.failures.add(key, self.policy.failure_window_seconds)
            raise ValidationFailed.of(field, "is wrong")
        await self.failures.clear(key)


def account_view(account: Account) -> AccountView:
    return AccountView(
        user_id=account.id,
        email=account.email,
        roles=sorted(account.roles),
        created_at=account.created_at,
        last_login_at=account.last_login_at,
    )


class RegisterUser:
    def __init__(
        self, uow: UnitOfWorkFactory[AuthUnitOfWork], hasher: PasswordHasher, ids: IdGenerator, clock: Clock
    ) -> None:
        self.uow, self.hasher, self.ids, self.clock = uow, hasher, ids, clock

    async def __call__(self, command: Register) -> AccountView:
        v = Validation()
        email = display_name = ""
        try:
            email = normalise_email(command.email)
        except ValidationFailed as e:
            v.errors.extend(e.errors)
        try:
            display_name = check_display_name(command.display_name)
        except ValidationFailed as e:
            v.errors.extend(e.errors)
        try:
            check_password(command.password, email or command.email)
        except ValidationFailed as e:
            v.errors.extend(e.errors)
        v.raise_if_any()
        password_hash = await self.hasher.hash(command.password)
        async with self.uow() as uow:
            if await uow.accounts.get_by_email(email) is not None:
                raise Conflict("an account with this email already exists")
            account = Account.register(
                user_id=self.ids.new_id(),
                email=email,
                password_hash=password_hash,
                display_name=display_name,
                now=self.clock.now(),
            )
            await uow.accounts.add(account)
            await uow.commit()
        return account_view(account)


class LogIn:
    """Check the credentials, throttled per account and per client address, and open a session."""

    # Verified against when the email is unknown, so a miss costs the same time as a wrong password.
    _DUMMY_PASSWORD = "not-a-real-password-0"  # noqa: S105 - hashed once, matches no account

    def __init__(
        self,
        uow: UnitOfWorkFactory[AuthUnitOfWork],
        sessions: SessionStore,
        failures: WindowCounter,
        hasher: PasswordHasher,
        tokens: TokenGenerator,
        clock: Clock,
        policy: AuthPolicy,
    ) -> None:
        self.uow, self.sessions, self.failures = uow, sessions, failures
        self.hasher, self.tokens, self.clock, self.policy = hasher, tokens, clock, policy
        self._dummy_hash: str | None = None

    async def __call__(self, command: Login) -> SessionIssued:
        email = command.email.strip().lower()
        account_key = f"login:account:{email}"
        address_key = f"login:address:{command.address}" if command.address else None
        await _refuse_if_throttled(self.failures, account_key, self.policy.failures_per_account)
        if address_key:
            await _refuse_if_throttled(self.failures, address_key, self.policy.failures_per_address)

        async with self.uow() as uow:
            account = await uow.accounts.get_by_email(email)
            if len(command.password) > PASSWORD_MAX:
                ok = False  # no password is that long: refuse without spending a hash on it
            elif account is None:
                await self.hasher.verify(await self._dummy(), command.password)
                ok = False
            else:
                ok = await self.hasher.verify(account.password_hash, command.password)
            if not ok or account is None:
                window = self.policy.failure_window_seconds
                await self.failures.add(account_key, window)
                if address_key:
                    await self.failures.add(address_key, window)
                raise Unauthenticated("the email or the password is wrong")
            if self.hasher.needs_rehash(account.password_hash):
                account.rehash(await self.hasher.hash(command.password))
            now = self.clock.now()
            account.logged_in(command.address, now)
            await uow.accounts.update(account)
            await uow.commit()

        await self.failures.clear(account_key)
        token = self.tokens.new_token()
        session = Session(
            id=session_id_of(token),
            user_id=account.id,
            created_at=now,
            expires_at=now + timedelta(seconds=self.policy.session_ttl_seconds),
            address=command.address,
            user_agent=command.user_agent[:200],
            roles=account.roles,
        )
        await self.sessions.add(session)
        await self._roles_still_current(account)
        await self._keep_sessions_bounded(account.id)
        return SessionIssued(token=token, user_id=account.id, expires_at=session.expires_at)

    async def _roles_still_current(self, account: Account) -> None:
        """A role change that committed after the account was read here rewrote the user's sessions before
        this one existed: read the roles again, now that the session is stored, and give it the new ones.
        (A change that commits later finds the session and rewrites it itself.)"""
        async with self.uow() as uow:
            current = await uow.accounts.get(account.id)
        if current is not None and current.roles != account.roles:
            await self.sessions.change_roles(account.id, current.roles)

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hasher.hash(self._DUMMY_PASSWORD)
        return self._dummy_hash

    async def _keep_sessions_bounded(self, user_id: str) -> None:
        live = await self.sessions.list_for_user(user_id)
        excess = len(live) - self.policy.max_sessions_per_user
        for session in sorted(live, key=lambda s: s.created_at)[: max(0, excess)]:
            await self.sessions.remove(session.id)


class AuthenticateSession:
    """Token -> principal. Refuses expired, revoked and orphaned sessions."""

    def __init__(self, uow: UnitOfWorkFactory[AuthUnitOfWork], sessions: SessionStore, clock: Clock) -> None:
        self.uow, self.sessions, self.clock = uow, sessions, clock

    async def __call__(self, command: Authenticate) -> Principal:
        if not command.token:
            raise Unauthenticated("a bearer token is required")
        session = await self.sessions.get(session_id_of(command.token))
        if session is None or session.expires_at <= self.clock.now():
            raise Unauthenticated("the session has expired or was revoked; log in again")
        principal = session.principal()
        if principal is not None:
            return principal  # the one lookup a request costs
        async with self.uow() as uow:
            account = await uow.accounts.get(session.user_id)
        if account is None:
            await self.sessions.remove(session.id)
            raise Unauthenticated("the session has expired or was revoked; log in again")
        return account.principal(session.id)


class LogOut:
    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    async def __call__(self, command: Logout) -> None:
        await self.sessions.remove(command.principal.session_id)


class LogOutEverywhere:
    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    async def __call__(self, command: LogoutEverywhere) -> int:
        return await self.sessions.remove_all(command.principal.user_id)


class ListMySessions:
    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    async def __call__(self, command: ListSessions) -> list[SessionView]:
        live = await self.sessions.list_for_user(command.principal.user_id)
        return [
            SessionView(
                session_id=s.id[:16],
                created_at=s.created_at,
                expires_at=s.expires_at,
                address=s.address,
                user_agent=s.user_agent,
                current=s.id == command.principal.session_id,
            )
            for s in sorted(live, key=lambda s: s.created_at, reverse=True)
        ]


class ChangeMyPassword:
    """A new password; every other session of the account is revoked, this one stays."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[AuthUnitOfWork],
        sessions: SessionStore,
        hasher: PasswordHasher,
        confirm: PasswordConfirmation,
        clock: Clock,
    ) -> None:
        self.uow, self.sessions, self.hasher, self.confirm, self.clock = uow, sessions, hasher, confirm, clock

    async def __call__(self, command: ChangePassword) -> None:
        async with self.uow() as uow:
            account = await uow.accounts.get(command.principal.user_id)
            if account is None:
                raise Unauthenticated("the account no longer exists")
            await self.confirm(account, command.current_password, "current_password")
            check_password(command.new_password, account.email, field="new_password")
            if command.new_password == command.current_password:
                raise ValidationFailed.of("new_password", "must differ from the current password")
            account.change_password(await self.hasher.hash(command.new_password), self.clock.now())
            await uow.accounts.update(account)
            await uow.commit()
        await self.sessions.remove_all(account.id, keep=command.principal.session_id)


class SetUserRoles:
    """An admin sets a user's roles (customer is always kept); the user's sessions carry them at once."""

    def __init__(self, uow: UnitOfWorkFactory[AuthUnitOfWork], sessions: SessionStore, clock: Clock) -> None:
        self.uow, self.sessions, self.clock = uow, sessions, clock

    async def __call__(self, command: SetRoles) -> AccountView:
        command.principal.require(Role.ADMIN)
        if command.user_id == command.principal.user_id and Role.ADMIN not in command.roles:
            raise Conflict("an admin cannot remove their own admin role")
        async with self.uow() as uow:
            account = await uow.accounts.get(command.user_id)
            if account is None:
                raise NotFound("no such user")
            changed = account.set_roles(command.roles, command.principal.user_id, self.clock.now())
            if changed:
                await uow.accounts.update(account)
                await uow.commit()
        if changed:
            await share_roles(self.sessions, account.id, account.roles)
        return account_view(account)


class AdjustUserRoles:
    """Runs on other contexts' events (a seller verified or suspended). Safe to repeat; an account that
    is gone is left alone."""

    def __init__(self, uow: UnitOfWorkFactory[AuthUnitOfWork], sessions: SessionStore, clock: Clock) -> None:
        self.uow, self.sessions, self.clock = uow, sessions, clock

    async def __call__(self, command: AdjustRoles) -> None:
        async with self.uow() as uow:
            account = await uow.accounts.get(command.user_id)
            if account is None:
                return
            roles = (account.roles | command.add) - command.remove
            if not account.set_roles(roles, command.by, self.clock.now()):
                return
            await uow.accounts.update(account)
            await uow.commit()
        await share_roles(self.sessions, account.id, account.roles)


async def share_roles(sessions: SessionStore, user_id: str, roles: frozenset[Role]) -> None:
    """The user's sessions take the roles just committed. If the session store is down, the change is
    durable all the same: ``ShareRolesWithSessions`` applies it when the RolesChanged event comes."""
    try:
        await sessions.change_roles(user_id, roles)
    except Unavailable as error:
        log.warning("sessions of %s keep their roles until RolesChanged is handled: %s", user_id, error)


class ShareRolesWithSessions:
    """Runs on RolesChanged: the user's live sessions carry the new roles (safe to repeat)."""

    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    async def __call__(self, command: ShareRoles) -> None:
        await self.sessions.change_roles(command.user_id, command.roles)


class EndSessionsOfDeletedAccount:
    """Runs on AccountDeleted: no session outlives its account, even if the deletion's own revocation
    was cut short (safe to repeat)."""

    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    async def __call__(self, command: EndSessions) -> None:
        await self.sessions.remove_all(command.user_id)


class GetAccountInfo:
    def __init__(self, uow: UnitOfWorkFactory[AuthUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: GetAccount) -> AccountView:
        async with self.uow() as uow:
            if command.email is not None:
                command.principal.require(Role.ADMIN)
                account = await uow.accounts.get_by_email(normalise_email(command.email))
            else:
                user_id = command.user_id or command.principal.user_id
                command.principal.require_self_or_admin(user_id)
                account = await uow.accounts.get(user_id)
        if account is None:
            raise NotFound("no such user")
        return account_view(account)


class ListAllAccounts:
    def __init__(self, uow: UnitOfWorkFactory[AuthUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListAccounts) -> Page[AccountView]:
        command.principal.require(Role.ADMIN)
        async with self.uow() as uow:
            page = await uow.accounts.list(command.page)
        return Page([account_view(a) for a in page.items], page.next_cursor)


class DeleteMyAccount:
    """Remove the credentials and every session; the users context erases the profile on the event."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[AuthUnitOfWork],
        sessions: SessionStore,
        confirm: PasswordConfirmation,
        clock: Clock,
    ) -> None:
        self.uow, self.sessions, self.confirm, self.clock = uow, sessions, confirm, clock

    async def __call__(self, command: DeleteAccount) -> None:
        async with self.uow() as uow:
            account = await uow.accounts.get(command.principal.user_id)
            if account is None:
                raise NotFound("no such user")
            await self.confirm(account, command.password, "password")
            if Role.ADMIN in account.roles:
                raise PermissionDenied("an admin account must lose its admin role before deletion")
            account.delete(self.clock.now())
            await uow.accounts.remove(account)
            await uow.commit()
        await self.sessions.remove_all(account.id)
