"""Profiles and address books in the ``users`` schema; behave exactly as ``adapters.memory.users``."""

from __future__ import annotations

from typing import Any

import asyncpg
import attrs

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.tracking import SeenAggregates
from core.shared.errors import Conflict
from core.users.model import Address, AddressFields, NotificationChoices, Preferences, Profile
from ports.users import AddressRepository, ProfileRepository

_SELECT_PROFILE = """
SELECT user_id, display_name, phone, language, currency, notifications, created_at, updated_at
FROM users.profiles
WHERE user_id = $1
"""
_INSERT_PROFILE = """
INSERT INTO users.profiles
    (user_id, display_name, phone, language, currency, notifications, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING true
"""
_UPDATE_PROFILE = """
UPDATE users.profiles
SET display_name = $2, phone = $3, language = $4, currency = $5, notifications = $6, created_at = $7,
    updated_at = $8
WHERE user_id = $1
"""
_SELECT_ADDRESSES = """
SELECT id, user_id, label, recipient, line1, line2, city, region, postal_code, country, phone, is_default,
       created_at, updated_at
FROM users.addresses
"""
_INSERT_ADDRESS = """
INSERT INTO users.addresses (id, user_id, label, recipient, line1, line2, city, region, postal_code, country,
                             phone, is_default, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT DO NOTHING
RETURNING true
"""
_UPDATE_ADDRESS = """
UPDATE users.addresses
SET user_id = $2, label = $3, recipient = $4, line1 = $5, line2 = $6, city = $7, region = $8,
    postal_code = $9, country = $10, phone = $11, is_default = $12, created_at = $13, updated_at = $14
WHERE id = $1
"""
_NOTIFICATION_CHOICES = tuple(attrs.fields_dict(NotificationChoices))


def _notifications(stored: dict[str, Any]) -> NotificationChoices:
    # A choice added after the row was written takes its default; one since retired is ignored.
    return NotificationChoices(**{k: bool(v) for k, v in stored.items() if k in _NOTIFICATION_CHOICES})


def _profile(row: Any) -> Profile:
    return Profile(
        user_id=row["user_id"],
        display_name=row["display_name"],
        phone=row["phone"],
        preferences=Preferences(
            language=row["language"],
            currency=row["currency"],
            notifications=_notifications(row["notifications"]),
        ),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _profile_values(profile: Profile) -> tuple[Any, ...]:
    p = profile.preferences
    return (
        profile.user_id,
        profile.display_name,
        profile.phone,
        p.language,
        p.currency,
        attrs.asdict(p.notifications),
        profile.created_at,
        profile.updated_at,
    )


def _address(row: Any) -> Address:
    return Address(
        id=row["id"],
        user_id=row["user_id"],
        fields=AddressFields(
            recipient=row["recipient"],
            line1=row["line1"],
            city=row["city"],
            postal_code=row["postal_code"],
            country=row["country"],
            line2=row["line2"],
            region=row["region"],
            phone=row["phone"],
            label=row["label"],
        ),
        is_default=row["is_default"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _address_values(address: Address) -> tuple[Any, ...]:
    f = address.fields
    return (
        address.id,
        address.user_id,
        f.label,
        f.recipient,
        f.line1,
        f.line2,
        f.city,
        f.region,
        f.postal_code,
        f.country,
        f.phone,
        address.is_default,
        address.created_at,
        address.updated_at,
    )


class PostgresProfileRepository:
    def __init__(self, conn: asyncpg.Connection, seen: SeenAggregates) -> None:
        self.conn, self.seen = conn, seen

    async def add(self, profile: Profile) -> None:
        # DO NOTHING rather than a caught error, which would abort the whole transaction.
        inserted = await self.conn.fetchval(_INSERT_PROFILE, *_profile_values(profile))
        if not inserted:
            raise Conflict("this user already has a profile")
        self.seen.add(profile)

    async def get(self, user_id: str) -> Profile | None:
        row = await self.conn.fetchrow(_SELECT_PROFILE, user_id)
        if row is None:
            return None
        profile = _profile(row)
        self.seen.add(profile)
        return profile

    async def update(self, profile: Profile) -> None:
        await self.conn.execute(_UPDATE_PROFILE, *_profile_values(profile))
        self.seen.add(profile)

    async def remove(self, profile: Profile) -> None:
        await self.conn.execute("DELETE FROM users.profiles WHERE user_id = $1", profile.user_id)
        self.seen.add(profile)


class PostgresAddressRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def add(self, address: Address) -> None:
        inserted = await self.conn.fetchval(_INSERT_ADDRESS, *_address_values(address))
        if not inserted:
            raise Conflict("an address with this id already exists")

    async def get(self, address_id: str) -> Address | None:
        row = await self.conn.fetchrow(_SELECT_ADDRESSES + " WHERE id = $1", address_id)
        return None if row is None else _address(row)

    async def list_for_user(self, user_id: str) -> list[Address]:
        query = _SELECT_ADDRESSES + " WHERE user_id = $1 ORDER BY created_at, id"
        rows = await self.conn.fetch(query, user_id)
        return [_address(r) for r in rows]

    async def update(self, address: Address) -> None:
        await self.conn.execute(_UPDATE_ADDRESS, *_address_values(address))

    async def remove(self, address_id: str) -> None:
        await self.conn.execute("DELETE FROM users.addresses WHERE id = $1", address_id)

    async def remove_all_for_user(self, user_id: str) -> int:
        status = await self.conn.execute("DELETE FROM users.addresses WHERE user_id = $1", user_id)
        return int(status.split()[-1])  # "DELETE <count>"


class PostgresUsersUnitOfWork(PostgresUnitOfWork):
    # Typed as the ports: the unit of work then satisfies ``UsersUnitOfWork`` (mutable protocol members).
    profiles: ProfileRepository
    addresses: AddressRepository

    def _open(self, conn: asyncpg.Connection) -> None:
        self.profiles = PostgresProfileRepository(conn, self.seen)
        self.addresses = PostgresAddressRepository(conn)
