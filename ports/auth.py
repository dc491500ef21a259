"""What the auth context needs from the outside world."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from core.shared.pagination import Page, PageRequest
from core.shared.security import Role
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.auth.model import Account, Session


class AccountRepository(Protocol):
    async def add(self, account: Account) -> None:
        """Store a new account; raise ``Conflict`` naming ``email`` if the email is taken."""
        ...

    async def get(self, user_id: str) -> Account | None: ...

    async def get_by_email(self, email: str) -> Account | None: ...

    async def update(self, account: Account) -> None: ...

    async def remove(self, account: Account) -> None: ...

    async def list(self, page: PageRequest) -> Page[Account]:
        """Accounts by id (creation order)."""
        ...


class AuthUnitOfWork(UnitOfWork, Protocol):
    accounts: AccountRepository


class SessionStore(Protocol):
    """Live sessions, each kept until its own expiry and no longer."""

    async def add(self, session: Session) -> None: ...

    async def get(self, session_id: str) -> Session | None:
        """The session, or None once it expired or was revoked."""
        ...

    async def remove(self, session_id: str) -> None: ...

    async def remove_all(self, user_id: str, keep: str | None = None) -> int:
        """Revoke every session of ``user_id`` except ``keep``; return how many were revoked."""
        ...

    async def list_for_user(self, user_id: str) -> list[Session]: ...

    async def change_roles(self, user_id: str, roles: frozenset[Role]) -> None:
        """Every live session of ``user_id`` carries ``roles`` from now on (expiries unchanged)."""
        ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenGenerator(Protocol):
    def new_token(self) -> str:
        """An unguessable token (at least 256 bits of entropy), URL-safe."""
        ...
