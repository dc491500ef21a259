"""Erasure, and the auth and users contexts talking through the in-process bus."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from core.auth.commands import DeleteAccount
from core.auth.events import UserRegistered
from core.shared.errors import NotFound
from core.shared.events import to_envelope
from core.users.commands import AddAddress, EraseUserData, GetProfile, ListAddresses
from core.users.events import ProfileCreated, UserDataErased
from core.users.model import AddressFields

from ..harness import AuthApp, Published, UsersApp

MakeAddress = Callable[..., AddressFields]


async def test_erasure_removes_the_profile_and_the_address_book(
    users: UsersApp, published: Published, make_address: MakeAddress
) -> None:
    me = await users.member("user-1")
    other = await users.member("user-2", "Bob")
    for _ in range(3):
        await users.add_address(AddAddress(me, make_address()))
    theirs = await users.add_address(AddAddress(other, make_address()))
    published.clear()
    users.clock.advance(60)

    await users.erase(EraseUserData("user-1"))

    assert await users.stored_profile("user-1") is None
    assert await users.stored_addresses("user-1") == []
    with pytest.raises(NotFound):
        await users.show(GetProfile(me))
    [event] = published.of(UserDataErased)
    assert (event.user_id, event.occurred_at) == ("user-1", users.clock.now())
    assert published.types() == ["users.UserDataErased.v1"]
    # Nobody else's data goes with it.
    assert await users.stored_profile("user-2") is not None
    assert [a.id for a in await users.stored_addresses("user-2")] == [theirs.address_id]
    assert set(users.tables.profiles.rows) == {"user-2"}
    assert set(users.tables.addresses.rows) == {theirs.address_id}


async def test_erasing_again_is_harmless_and_silent(users: UsersApp, published: Published) -> None:
    await users.member("user-1")
    await users.erase(EraseUserData("user-1"))
    published.clear()

    await users.erase(EraseUserData("user-1"))

    assert await users.stored_profile("user-1") is None
    assert published.envelopes == []


async def test_erasing_a_user_who_never_had_a_profile_is_harmless(users: UsersApp, published: Published) -> None:
    await users.erase(EraseUserData("never-existed"))

    assert users.tables.profiles.rows == {}
    assert published.envelopes == []


async def test_a_profile_can_be_created_again_after_erasure(users: UsersApp) -> None:
    await users.member("user-1", "Alice")
    await users.erase(EraseUserData("user-1"))

    me = await users.member("user-1", "Alice Again")

    view = await users.show(GetProfile(me))
    assert view.display_name == "Alice Again"
    assert await users.list_addresses(ListAddresses(me)) == []


# --- through the bus --------------------------------------------------------------------------------------


async def test_registering_creates_the_profile(wired: tuple[AuthApp, UsersApp], published: Published) -> None:
    auth, users = wired

    account = await auth.sign_up("alice@example.com", display_name="  Alice   Liddell ")

    profile = await users.stored_profile(account.user_id)
    assert profile is not None
    assert profile.display_name == "Alice Liddell"
    assert profile.created_at == auth.clock.now()
    assert published.types() == ["auth.UserRegistered.v1", "users.ProfileCreated.v1"]


async def test_events_raised_by_a_consumer_carry_the_cause_as_correlation_id(
    wired: tuple[AuthApp, UsersApp], published: Published
) -> None:
    auth, _ = wired

    await auth.sign_up()

    registered, created = published.envelopes
    assert registered.correlation_id is None
    assert created.correlation_id == registered.id


async def test_a_redelivered_registration_creates_no_second_profile(
    wired: tuple[AuthApp, UsersApp], published: Published
) -> None:
    auth, users = wired
    account = await auth.sign_up()
    [event] = published.of(UserRegistered)
    users.clock.advance(60)

    await auth.bus.publish([to_envelope(event)])

    assert len(published.of(ProfileCreated)) == 1
    profile = await users.stored_profile(account.user_id)
    assert profile is not None
    assert profile.created_at == auth.clock.now() - timedelta(seconds=60)


async def test_deleting_the_account_erases_the_profile_and_addresses(
    wired: tuple[AuthApp, UsersApp], published: Published, make_address: MakeAddress
) -> None:
    auth, users = wired
    alice, _ = await auth.signed_in("alice@example.com")
    bob, _ = await auth.signed_in("bob@example.com", display_name="Bob")
    await users.add_address(AddAddress(alice, make_address()))
    await users.add_address(AddAddress(alice, make_address(label="work")))
    bobs = await users.add_address(AddAddress(bob, make_address()))
    published.clear()

    await auth.delete_account(DeleteAccount(alice, auth.PASSWORD))

    assert await users.stored_profile(alice.user_id) is None
    assert await users.stored_addresses(alice.user_id) == []
    assert await users.stored_profile(bob.user_id) is not None
    assert [a.id for a in await users.stored_addresses(bob.user_id)] == [bobs.address_id]
    assert published.types() == ["auth.AccountDeleted.v1", "users.UserDataErased.v1"]


async def test_a_failing_consumer_does_not_undo_the_registration(
    wired: tuple[AuthApp, UsersApp], published: Published
) -> None:
    auth, users = wired

    async def broken(_: object) -> None:
        raise RuntimeError("consumer down")

    auth.bus.subscribe("broken", UserRegistered, broken)  # type: ignore[arg-type]

    account = await auth.sign_up()

    assert await auth.stored(account.user_id) is not None
    assert await users.stored_profile(account.user_id) is not None  # the healthy consumer still ran
    assert "auth.UserRegistered.v1" in published.types()
