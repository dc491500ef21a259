"""In-memory adapters of the users ports."""

from __future__ import annotations

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.shared.errors import Conflict
from core.users.model import Address, Profile
from ports.shared import EventPublisher
from ports.users import AddressRepository, ProfileRepository


class UsersTables:
    def __init__(self) -> None:
        self.profiles = MemoryTable("profiles")
        self.addresses = MemoryTable("addresses")


class MemoryProfileRepository:
    def __init__(self, tables: UsersTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.tx, self.seen = tables.profiles, tx, seen

    async def add(self, profile: Profile) -> None:
        if self.tx.get(self.table, profile.user_id) is not None:
            raise Conflict("this user already has a profile")
        self.tx.put(self.table, profile.user_id, profile)
        self.seen.add(profile)

    async def get(self, user_id: str) -> Profile | None:
        profile: Profile | None = self.tx.get(self.table, user_id)
        if profile is not None:
            self.seen.add(profile)
        return profile

    async def update(self, profile: Profile) -> None:
        self.tx.put(self.table, profile.user_id, profile)
        self.seen.add(profile)

    async def remove(self, profile: Profile) -> None:
        self.tx.delete(self.table, profile.user_id)
        self.seen.add(profile)


class MemoryAddressRepository:
    def __init__(self, tables: UsersTables, tx: MemoryTransaction) -> None:
        self.table, self.tx = tables.addresses, tx

    async def add(self, address: Address) -> None:
        self.tx.put(self.table, address.id, address)

    async def get(self, address_id: str) -> Address | None:
        address: Address | None = self.tx.get(self.table, address_id)
        return address

    async def list_for_user(self, user_id: str) -> list[Address]:
        book = list(self.tx.scan(self.table, where=lambda a: a.user_id == user_id))
        book.sort(key=lambda a: (a.created_at, a.id))
        return book

    async def update(self, address: Address) -> None:
        self.tx.put(self.table, address.id, address)

    async def remove(self, address_id: str) -> None:
        self.tx.delete(self.table, address_id)

    async def remove_all_for_user(self, user_id: str) -> int:
        book = await self.list_for_user(user_id)
        for address in book:
            self.tx.delete(self.table, address.id)
        return len(book)


class MemoryUsersUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    profiles: ProfileRepository
    addresses: AddressRepository

    def __init__(self, tables: UsersTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.profiles = MemoryProfileRepository(self.tables, self.tx, self.seen)
        self.addresses = MemoryAddressRepository(self.tables, self.tx)
