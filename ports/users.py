"""What the users context needs from the outside world."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.users.model import Address, Profile


class ProfileRepository(Protocol):
    async def add(self, profile: Profile) -> None:
        """Store a new profile; raise ``Conflict`` if the user already has one."""
        ...

    async def get(self, user_id: str) -> Profile | None: ...

    async def update(self, profile: Profile) -> None: ...

    async def remove(self, profile: Profile) -> None: ...


class AddressRepository(Protocol):
    async def add(self, address: Address) -> None: ...

    async def get(self, address_id: str) -> Address | None: ...

    async def list_for_user(self, user_id: str) -> list[Address]:
        """The user's addresses, oldest first."""
        ...

    async def update(self, address: Address) -> None: ...

    async def remove(self, address_id: str) -> None: ...

    async def remove_all_for_user(self, user_id: str) -> int: ...


class UsersUnitOfWork(UnitOfWork, Protocol):
    profiles: ProfileRepository
    addresses: AddressRepository
