from __future__ import annotations

import pytest

from core.shared.errors import NotFound, ValidationFailed
from core.shared.security import Principal, Role
from core.users.commands import GetProfile, UpdatePreferences
from core.users.events import PreferencesChanged
from core.users.model import NotificationChoices, Preferences

from ..harness import Published, UsersApp


async def stored_preferences(users: UsersApp, user_id: str) -> Preferences:
    profile = await users.stored_profile(user_id)
    assert profile is not None
    return profile.preferences


async def test_changing_the_language_keeps_the_rest(users: UsersApp, published: Published) -> None:
    me = await users.member()
    published.clear()
    users.clock.advance(60)

    view = await users.preferences(UpdatePreferences(me, language="de"))

    assert (view.language, view.currency, view.notifications) == ("de", "EUR", NotificationChoices())
    assert await stored_preferences(users, me.user_id) == Preferences(language="de")
    profile = await users.stored_profile(me.user_id)
    assert profile is not None
    assert profile.updated_at == users.clock.now()
    [event] = published.of(PreferencesChanged)
    assert (event.user_id, event.language, event.currency) == (me.user_id, "de", "EUR")


async def test_changing_the_currency_keeps_the_rest_and_reads_lower_case(users: UsersApp) -> None:
    me = await users.member()
    await users.preferences(UpdatePreferences(me, language="fr"))

    view = await users.preferences(UpdatePreferences(me, currency="chf"))

    assert (view.language, view.currency) == ("fr", "CHF")
    assert await stored_preferences(users, me.user_id) == Preferences(language="fr", currency="CHF")


async def test_notification_choices_merge_key_by_key(users: UsersApp, published: Published) -> None:
    me = await users.member()
    published.clear()

    await users.preferences(UpdatePreferences(me, notifications={"promotions": True}))
    view = await users.preferences(UpdatePreferences(me, notifications={"order_updates": False, "sms": True}))

    assert view.notifications == NotificationChoices(
        order_updates=False, delivery_updates=True, promotions=True, newsletter=False, sms=True
    )
    assert (await stored_preferences(users, me.user_id)).notifications == view.notifications
    assert (view.language, view.currency) == ("en", "EUR")
    assert len(published.of(PreferencesChanged)) == 2


async def test_an_empty_update_changes_nothing_and_publishes_nothing(users: UsersApp, published: Published) -> None:
    me = await users.member()
    before = await users.stored_profile(me.user_id)
    published.clear()
    users.clock.advance(60)

    view = await users.preferences(UpdatePreferences(me, notifications={}))

    assert (view.language, view.currency) == ("en", "EUR")
    assert await users.stored_profile(me.user_id) == before
    assert published.envelopes == []


async def test_setting_the_current_values_again_publishes_nothing(users: UsersApp, published: Published) -> None:
    me = await users.member()
    await users.preferences(UpdatePreferences(me, language="it", notifications={"newsletter": True}))
    published.clear()

    await users.preferences(UpdatePreferences(me, language="it", currency="EUR", notifications={"newsletter": True}))

    assert published.envelopes == []


@pytest.mark.parametrize("key", ["carrier_pigeon", "Promotions", "order-updates"])
async def test_an_unknown_notification_is_refused_naming_it(users: UsersApp, published: Published, key: str) -> None:
    me = await users.member()
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await users.preferences(UpdatePreferences(me, language="de", notifications={"sms": True, key: True}))

    assert [e.field for e in raised.value.errors] == [f"notifications.{key}"]
    assert await stored_preferences(users, me.user_id) == Preferences()
    assert published.envelopes == []


@pytest.mark.parametrize("language", ["xx", "EN", "english", "", "en-GB"])
async def test_an_unknown_language_is_refused_naming_language(users: UsersApp, language: str) -> None:
    me = await users.member()

    with pytest.raises(ValidationFailed) as raised:
        await users.preferences(UpdatePreferences(me, language=language))

    assert [e.field for e in raised.value.errors] == ["language"]
    assert await stored_preferences(users, me.user_id) == Preferences()


@pytest.mark.parametrize("currency", ["XXX", "euro", "", "BTC"])
async def test_an_unknown_currency_is_refused_naming_currency(users: UsersApp, currency: str) -> None:
    me = await users.member()

    with pytest.raises(ValidationFailed) as raised:
        await users.preferences(UpdatePreferences(me, currency=currency))

    assert [e.field for e in raised.value.errors] == ["currency"]
    assert await stored_preferences(users, me.user_id) == Preferences()


async def test_a_bad_language_and_currency_are_reported_together(users: UsersApp) -> None:
    me = await users.member()

    with pytest.raises(ValidationFailed) as raised:
        await users.preferences(UpdatePreferences(me, language="xx", currency="XXX", notifications={"sms": True}))

    assert [e.field for e in raised.value.errors] == ["language", "currency"]
    assert await stored_preferences(users, me.user_id) == Preferences()


async def test_the_profile_view_shows_the_preferences(users: UsersApp) -> None:
    me = await users.member()
    await users.preferences(UpdatePreferences(me, language="ja", currency="JPY", notifications={"sms": True}))

    view = await users.show(GetProfile(me))

    assert (view.preferences.language, view.preferences.currency) == ("ja", "JPY")
    assert view.preferences.notifications.sms is True


async def test_preferences_of_a_missing_profile_are_not_found(users: UsersApp) -> None:
    with pytest.raises(NotFound):
        await users.preferences(UpdatePreferences(Principal("nobody", frozenset({Role.CUSTOMER})), language="de"))
