"""What checkout reads of an address book: a snapshot of one of the caller's own addresses."""

from __future__ import annotations

from collections.abc import Callable

from core.shared.addresses import PostalAddress
from core.users.address_book import UserAddressBook
from core.users.commands import AddAddress
from core.users.model import AddressFields

from ..harness import UsersApp


async def test_the_callers_address_comes_as_a_postal_address(
    users: UsersApp, make_address: Callable[..., AddressFields]
) -> None:
    ann = await users.member("user-ann")
    fields = make_address(line2="Hinterhaus", region="Berlin", phone="+49 30 1234567", label="home")
    added = await users.add_address(AddAddress(ann, fields, False))

    found = await UserAddressBook(users.uow).address(ann.user_id, added.address_id)

    assert found == PostalAddress(
        recipient="Alice Example",
        line1="Hauptstrasse 1",
        line2="Hinterhaus",
        city="Berlin",
        region="Berlin",
        postal_code="10115",
        country="DE",
        phone="+49301234567",  # as the address book cleaned it
    )


async def test_another_users_or_a_missing_address_is_none(
    users: UsersApp, make_address: Callable[..., AddressFields]
) -> None:
    ann = await users.member("user-ann")
    await users.member("user-bob")
    added = await users.add_address(AddAddress(ann, make_address(), False))
    book = UserAddressBook(users.uow)

    assert await book.address("user-bob", added.address_id) is None
    assert await book.address(ann.user_id, "no-such-address") is None
