"""Accounts in ``auth.accounts``; behaves exactly as ``adapters.memory.auth.MemoryAccountRepository``."""

from __future__ import annotations

from typing import Any

import asyncpg

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.auth.model import Account
from core.shared.errors import Conflict, ValidationFailed
from core.shared.pagination import Page, PageRequest, page_of
from core.shared.security import Role
from ports.auth import AccountRepository

_SELECT = """
SELECT id, email, password_hash, roles, created_at, password_changed_at, last_login_at
FROM auth.accounts
"""
_INSERT = """
INSERT INTO auth.accounts (id, email, password_hash, roles, created_at, password_changed_at, last_login_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT DO NOTHING
RETURNING true
"""
_UPDATE = """
UPDATE auth.accounts
SET email = $2, password_hash = $3, roles = $4, created_at = $5, password_changed_at = $6, last_login_at = $7
WHERE id = $1
"""
_EMAIL_TAKEN = "an account with this email already exists"


def _account(row: Any) -> Account:
    return Account(
        id=row["id"],
        email=row["email"],
        password_hash=row["password_hash"],
        roles=frozenset(Role(r) for r in row["roles"]),
        created_at=row["created_at"],
        password_changed_at=row["password_changed_at"],
        last_login_at=row["last_login_at"],
    )


def _values(account: Account) -> tuple[Any, ...]:
    return (
        account.id,
        account.email,
        account.password_hash,
        sorted(r.value for r in account.roles),
        account.created_at,
        account.password_changed_at,
        account.last_login_at,
    )


class PostgresAccountRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    def _track(self, row: Any) -> Account | None:
        if row is None:
            return None
        account = _account(row)
        self.seen.add(account)
        return account

    async def add(self, account: Account) -> None:
        # ON CONFLICT DO NOTHING rather than catching the error: a failed INSERT would abort the whole
        # transaction, while the port (like the memory adapter) leaves the unit of work usable.
        # A concurrent insert of the same email waits here for the other transaction, then conflicts.
        inserted = await self.conn.fetchval(_INSERT, *_values(account))
        if not inserted:
            same_id = await self.conn.fetchval("SELECT true FROM auth.accounts WHERE id = $1", account.id)
            raise Conflict("an account with this id already exists" if same_id else _EMAIL_TAKEN)
        self.seen.add(account)

    async def get(self, user_id: str) -> Account | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE id = $1", user_id)
        return self._track(row)

    async def get_by_email(self, email: str) -> Account | None:
        row = await self.conn.fetchrow(_SELECT + " WHERE email = $1", email)
        return self._track(row)

    async def update(self, account: Account) -> None:
        try:
            await self.conn.execute(_UPDATE, *_values(account))
        except asyncpg.UniqueViolationError:
            # Only an email change can clash; the transaction is spoilt, so the use case must give up.
            raise Conflict(_EMAIL_TAKEN) from None
        self.seen.add(account)

    async def remove(self, account: Account) -> None:
        await self.conn.execute("DELETE FROM auth.accounts WHERE id = $1", account.id)
        self.seen.add(account)

    async def list(self, page: PageRequest) -> Page[Account]:
        after = page.after()
        if after is not None and (len(after) != 1 or not isinstance(after[0], str)):
            raise ValidationFailed.of("cursor", "is not a cursor this API returned")
        # Two statements, not "$1 IS NULL OR id > $1": each keeps a plan that walks the primary key.
        if after is None:
            rows = await self.conn.fetch(_SELECT + " ORDER BY id LIMIT $1", page.limit + 1)
        else:
            query = _SELECT + " WHERE id > $1 ORDER BY id LIMIT $2"
            rows = await self.conn.fetch(query, after[0], page.limit + 1)
        accounts = [a for a in map(self._track, rows) if a is not None]
        return page_of(accounts, page, lambda a: [a.id])


class PostgresAuthUnitOfWork(PostgresUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``AuthUnitOfWork`` (a mutable protocol member).
    accounts: AccountRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.accounts = PostgresAccountRepository(conn, self.seen)
