"""``ports.checkout.AddressBook``: an address of the customer's book, as an order copies it."""

from __future__ import annotations

from core.shared.addresses import PostalAddress
from ports.shared import UnitOfWorkFactory
from ports.users import UsersUnitOfWork


class UserAddressBook:
    """Each call opens a unit of work of its own (from ``users``, a factory), so one instance serves any
    number of concurrent checkouts."""

    def __init__(self, users: UnitOfWorkFactory[UsersUnitOfWork]) -> None:
        self.users = users

    async def address(self, user_id: str, address_id: str) -> PostalAddress | None:
        async with self.users() as uow:
            address = await uow.addresses.get(address_id)
        # Another user's address is None, exactly like a missing one.
        if address is None or address.user_id != user_id:
            return None
        f = address.fields
        return PostalAddress(
            recipient=f.recipient,
            line1=f.line1,
            line2=f.line2,
            city=f.city,
            region=f.region,
            postal_code=f.postal_code,
            country=f.country,
            phone=f.phone,
        )
