"""In-memory adapters of the auth ports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from adapters.memory.expiring import Expiring
from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.auth.model import Account, Session
from core.shared.errors import Conflict, ValidationFailed
from core.shared.pagination import Page, PageRequest, page_of
from core.shared.security import Role
from ports.auth import AccountRepository
from ports.shared import Clock, EventPublisher

if TYPE_CHECKING:
    pass


class AuthTables:
    def __init__(self) -> None:
        self.accounts = MemoryTable("accounts")


class MemoryAccountRepository:
    def __init__(self, tables: AuthTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.accounts, tx, seen

    def _track(self, account: Account | None) -> Account | None:
        if account is not None:
            self.seen.add(account)
        return account

    async def add(self, account: Account) -> None:
        def unique_email() -> None:
            clash = [a for a in self.table.rows.values() if a.email == account.email and a.id != account.id]
            if clash:
                raise Conflict("an account with this email already exists")

        unique_email()
        self.tx.check_at_commit(unique_email)
        self.tx.put(self.table, account.id, account)
        self.seen.add(account)

    async def get(self, user_id: str) -> Account | None:
        return self._track(self.tx.get(self.table, user_id))

    async def get_by_email(self, email: str) -> Account | None:
        found = next(self.tx.scan(self.table, where=lambda a: a.email == email), None)
        return self._track(found)

    async def update(self, account: Account) -> None:
        self.tx.put(self.table, account.id, account)
        self.seen.add(account)

    async def remove(self, account: Account) -> None:
        self.tx.delete(self.table, account.id)
        self.seen.add(account)

    async def list(self, page: PageRequest) -> Page[Account]:
        after = page.after()
        if after is not None and (len(after) != 1 or not isinstance(after[0], str)):
            raise ValidationFailed.of("cursor", "is not a cursor this API returned")
        rows = [a for a in self.tx.scan(self.table) if after is None or a.id > after[0]]
        rows.sort(key=lambda a: a.id)
        return page_of(rows[: page.limit + 1], page, lambda a: [a.id])


class MemoryAuthUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    accounts: AccountRepository

    def __init__(self, tables: AuthTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.accounts = MemoryAccountRepository(self.tables, self.tx, self.seen)


class MemorySessionStore:
    """Sessions with expiry, as Redis keeps them: an expired session is simply gone (and forgotten)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._sessions: Expiring[str, Session] = Expiring(lambda: clock.now().timestamp())

    async def add(self, session: Session) -> None:
        self._sessions.set(session.id, session, session.expires_at.timestamp())

    async def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    async def remove(self, session_id: str) -> None:
        self._sessions.pop(session_id)

    async def remove_all(self, user_id: str, keep: str | None = None) -> int:
        doomed = [s.id for _, s in self._sessions.items() if s.user_id == user_id and s.id != keep]
        for session_id in doomed:
            self._sessions.pop(session_id)
        return len(doomed)  # live ones only, as Redis counts: expired ones were gone already

    async def list_for_user(self, user_id: str) -> list[Session]:
        return [s for _, s in self._sessions.items() if s.user_id == user_id]

    async def change_roles(self, user_id: str, roles: frozenset[Role]) -> None:
        for session in await self.list_for_user(user_id):
            self._sessions.set(session.id, attrs.evolve(session, roles=roles), session.expires_at.timestamp())
