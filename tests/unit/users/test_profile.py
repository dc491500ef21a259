from __future__ import annotations

from datetime import timedelta

import pytest

from core.shared.errors import NotFound, ValidationFailed
from core.shared.security import Principal, Role
from core.users.commands import CreateProfile, GetProfile, UpdateProfile
from core.users.events import ProfileCreated, ProfileUpdated
from core.users.model import NotificationChoices

from ..harness import Published, UsersApp

STRANGER = Principal("nobody", frozenset({Role.CUSTOMER}))


async def test_a_new_profile_has_the_name_and_default_preferences(users: UsersApp, published: Published) -> None:
    await users.create_profile(CreateProfile("user-1", "Alice"))

    view = await users.show(GetProfile(Principal("user-1", frozenset({Role.CUSTOMER}))))

    assert view.user_id == "user-1"
    assert view.display_name == "Alice"
    assert view.phone is None
    assert (view.preferences.language, view.preferences.currency) == ("en", "EUR")
    assert view.preferences.notifications == NotificationChoices()
    assert view.created_at == view.updated_at == users.clock.now()
    [event] = published.of(ProfileCreated)
    assert (event.user_id, event.display_name) == ("user-1", "Alice")


async def test_creating_a_profile_twice_keeps_the_first(users: UsersApp, published: Published) -> None:
    await users.create_profile(CreateProfile("user-1", "Alice"))
    users.clock.advance(60)

    await users.create_profile(CreateProfile("user-1", "Someone Else"))

    profile = await users.stored_profile("user-1")
    assert profile is not None
    assert profile.display_name == "Alice"
    assert profile.created_at == users.clock.now() - timedelta(seconds=60)
    assert len(published.of(ProfileCreated)) == 1
    assert list(users.tables.profiles.rows) == ["user-1"]


async def test_showing_a_missing_profile_is_not_found(users: UsersApp) -> None:
    with pytest.raises(NotFound):
        await users.show(GetProfile(STRANGER))


async def test_editing_the_display_name(users: UsersApp, published: Published) -> None:
    me = await users.member()
    published.clear()
    users.clock.advance(60)

    view = await users.edit(UpdateProfile(me, display_name="  Alice \t Liddell "))

    assert view.display_name == "Alice Liddell"
    assert view.updated_at == users.clock.now()
    assert view.created_at == users.clock.now() - timedelta(seconds=60)
    profile = await users.stored_profile(me.user_id)
    assert profile is not None
    assert profile.display_name == "Alice Liddell"
    [event] = published.of(ProfileUpdated)
    assert (event.user_id, event.fields) == (me.user_id, ["display_name"])


@pytest.mark.parametrize(
    ("display_name", "message"),
    [("", "must not be empty"), ("   ", "must not be empty"), ("x" * 81, "at most 80"), ("Al\x00ice", "control")],
)
async def test_a_bad_display_name_is_refused_naming_it(
    users: UsersApp, published: Published, display_name: str, message: str
) -> None:
    me = await users.member()
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await users.edit(UpdateProfile(me, display_name=display_name))

    assert [e.field for e in raised.value.errors] == ["display_name"]
    assert message in raised.value.message
    profile = await users.stored_profile(me.user_id)
    assert profile is not None
    assert profile.display_name == "Alice"
    assert published.envelopes == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+4930123456", "+4930123456"),
        ("+49 30 123456", "+4930123456"),
        ("+1 (555) 123-4567", "+15551234567"),
        ("+44-20-7946-0958", "+442079460958"),
    ],
)
async def test_a_phone_is_kept_in_e164_form(users: UsersApp, published: Published, typed: str, stored: str) -> None:
    me = await users.member()
    published.clear()

    view = await users.edit(UpdateProfile(me, phone=typed))

    assert view.phone == stored
    profile = await users.stored_profile(me.user_id)
    assert profile is not None
    assert profile.phone == stored
    [event] = published.of(ProfileUpdated)
    assert event.fields == ["phone"]


@pytest.mark.parametrize(
    "phone",
    ["030 123456", "4930123456", "+0301234567", "+49", "+12345", "+1234567890123456", "+49 30 CALL-ME", "phone"],
)
async def test_a_phone_that_is_not_e164_is_refused_naming_phone(users: UsersApp, phone: str) -> None:
    me = await users.member()

    with pytest.raises(ValidationFailed) as raised:
        await users.edit(UpdateProfile(me, phone=phone))

    assert [e.field for e in raised.value.errors] == ["phone"]
    profile = await users.stored_profile(me.user_id)
    assert profile is not None
    assert profile.phone is None


async def test_a_bad_name_and_a_bad_phone_are_reported_together(users: UsersApp) -> None:
    me = await users.member()

    with pytest.raises(ValidationFailed) as raised:
        await users.edit(UpdateProfile(me, display_name="", phone="12"))

    assert [e.field for e in raised.value.errors] == ["display_name", "phone"]


async def test_clear_phone_removes_the_number(users: UsersApp, published: Published) -> None:
    me = await users.member()
    await users.edit(UpdateProfile(me, phone="+4930123456"))
    published.clear()

    view = await users.edit(UpdateProfile(me, clear_phone=True))

    assert view.phone is None
    profile = await users.stored_profile(me.user_id)
    assert profile is not None
    assert profile.phone is None
    [event] = published.of(ProfileUpdated)
    assert event.fields == ["phone"]


async def test_fields_not_given_are_kept(users: UsersApp) -> None:
    me = await users.member()
    await users.edit(UpdateProfile(me, phone="+4930123456"))

    view = await users.edit(UpdateProfile(me, display_name="Alicia"))

    assert (view.display_name, view.phone) == ("Alicia", "+4930123456")


async def test_name_and_phone_change_in_one_event(users: UsersApp, published: Published) -> None:
    me = await users.member()
    published.clear()

    await users.edit(UpdateProfile(me, display_name="Alicia", phone="+4930123456"))

    [event] = published.of(ProfileUpdated)
    assert event.fields == ["display_name", "phone"]


async def test_an_edit_that_changes_nothing_publishes_nothing(users: UsersApp, published: Published) -> None:
    me = await users.member()
    await users.edit(UpdateProfile(me, phone="+4930123456"))
    before = await users.stored_profile(me.user_id)
    published.clear()
    users.clock.advance(60)

    view = await users.edit(UpdateProfile(me, display_name="Alice", phone="+49 30 123456"))

    assert before is not None
    assert published.envelopes == []
    assert view.updated_at == before.updated_at
    assert await users.stored_profile(me.user_id) == before


async def test_editing_a_missing_profile_is_not_found(users: UsersApp) -> None:
    with pytest.raises(NotFound):
        await users.edit(UpdateProfile(STRANGER, display_name="Ghost"))
