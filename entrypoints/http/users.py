"""Users routes: the caller's profile, preferences and address book."""

from __future__ import annotations

from typing import Any

import attrs

from core.users import commands as c
from core.users import use_cases as uc
from core.users.model import AddressFields
from entrypoints.http.routing import Call, Endpoint
from entrypoints.http.schema import limits

TAG = "users"
_TEXT = limits(max_length=120)


@attrs.frozen
class ProfileBody:
    """Only the fields sent change; ``phone: null`` removes the phone number."""

    display_name: str | None = attrs.field(default=None, metadata=limits(max_length=80))
    phone: str | None = attrs.field(default=None, metadata=limits(max_length=32))


@attrs.frozen
class NotificationsBody:
    order_updates: bool | None = None
    delivery_updates: bool | None = None
    promotions: bool | None = None
    newsletter: bool | None = None
    sms: bool | None = None


@attrs.frozen
class PreferencesBody:
    """Only the fields sent change."""

    language: str | None = attrs.field(default=None, metadata=limits(max_length=8))
    currency: str | None = attrs.field(default=None, metadata=limits(max_length=3))
    notifications: NotificationsBody | None = None


@attrs.frozen
class NewAddressBody:
    recipient: str = attrs.field(metadata=limits(max_length=100))
    line1: str = attrs.field(metadata=_TEXT)
    city: str = attrs.field(metadata=limits(max_length=80))
    postal_code: str = attrs.field(metadata=limits(max_length=16))
    country: str = attrs.field(metadata=limits(max_length=64))
    line2: str = attrs.field(default="", metadata=_TEXT)
    region: str = attrs.field(default="", metadata=limits(max_length=80))
    phone: str | None = attrs.field(default=None, metadata=limits(max_length=32))
    label: str = attrs.field(default="", metadata=limits(max_length=40))
    default: bool = False


@attrs.frozen
class AddressChangesBody:
    """Only the fields sent change; ``default: true`` makes this the default address."""

    recipient: str | None = attrs.field(default=None, metadata=limits(max_length=100))
    line1: str | None = attrs.field(default=None, metadata=_TEXT)
    line2: str | None = attrs.field(default=None, metadata=_TEXT)
    city: str | None = attrs.field(default=None, metadata=limits(max_length=80))
    region: str | None = attrs.field(default=None, metadata=limits(max_length=80))
    postal_code: str | None = attrs.field(default=None, metadata=limits(max_length=16))
    country: str | None = attrs.field(default=None, metadata=limits(max_length=64))
    phone: str | None = attrs.field(default=None, metadata=limits(max_length=32))
    label: str | None = attrs.field(default=None, metadata=limits(max_length=40))
    default: bool = False


@attrs.frozen
class AddressBook:
    items: list[c.AddressView]


async def get_profile(call: Call[None, None]) -> c.ProfileView:
    return await call.resolve(uc.ShowProfile)(c.GetProfile(call.user))


async def update_profile(call: Call[ProfileBody, None]) -> c.ProfileView:
    b = call.body
    command = c.UpdateProfile(
        call.user, display_name=b.display_name, phone=b.phone, clear_phone=call.given("phone") and b.phone is None
    )
    return await call.resolve(uc.EditProfile)(command)


async def get_preferences(call: Call[None, None]) -> c.PreferencesView:
    profile = await call.resolve(uc.ShowProfile)(c.GetProfile(call.user))
    return profile.preferences


async def update_preferences(call: Call[PreferencesBody, None]) -> c.PreferencesView:
    b = call.body
    notifications = None
    if b.notifications is not None:
        notifications = {k: v for k, v in attrs.asdict(b.notifications).items() if v is not None}
    command = c.UpdatePreferences(call.user, b.language, b.currency, notifications)
    return await call.resolve(uc.ChangePreferences)(command)


async def list_addresses(call: Call[None, None]) -> AddressBook:
    return AddressBook(await call.resolve(uc.ListUserAddresses)(c.ListAddresses(call.user)))


async def add_address(call: Call[NewAddressBody, None]) -> c.AddressView:
    b = call.body
    fields = AddressFields(
        recipient=b.recipient,
        line1=b.line1,
        city=b.city,
        postal_code=b.postal_code,
        country=b.country,
        line2=b.line2,
        region=b.region,
        phone=b.phone,
        label=b.label,
    )
    return await call.resolve(uc.AddUserAddress)(c.AddAddress(call.user, fields, b.default))


async def change_address(call: Call[AddressChangesBody, None]) -> c.AddressView:
    changes = {k: v for k, v in attrs.asdict(call.body).items() if k != "default" and call.given(k)}
    command = c.ChangeAddress(call.user, call.path("address_id"), changes, call.body.default)
    return await call.resolve(uc.ChangeUserAddress)(command)


async def remove_address(call: Call[None, None]) -> None:
    await call.resolve(uc.RemoveUserAddress)(c.RemoveAddress(call.user, call.path("address_id")))


def _users(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, tag=TAG, **kw)


ENDPOINTS = [
    _users("GET", "/me/profile", get_profile, "The caller's profile", response=c.ProfileView, errors=(404,)),
    _users(
        "PATCH",
        "/me/profile",
        update_profile,
        "Update the caller's profile",
        body=ProfileBody,
        response=c.ProfileView,
        errors=(404,),
    ),
    _users(
        "GET",
        "/me/preferences",
        get_preferences,
        "Language, currency and notification choices",
        response=c.PreferencesView,
        errors=(404,),
    ),
    _users(
        "PATCH",
        "/me/preferences",
        update_preferences,
        "Change language, currency or notifications",
        body=PreferencesBody,
        response=c.PreferencesView,
        errors=(404,),
    ),
    _users("GET", "/me/addresses", list_addresses, "The caller's address book", response=AddressBook),
    _users(
        "POST",
        "/me/addresses",
        add_address,
        "Add an address (the first one becomes the default)",
        body=NewAddressBody,
        response=c.AddressView,
        status=201,
        errors=(404, 409),
    ),
    _users(
        "PATCH",
        "/me/addresses/{address_id}",
        change_address,
        "Change an address or make it the default",
        body=AddressChangesBody,
        response=c.AddressView,
    ),
    _users("DELETE", "/me/addresses/{address_id}", remove_address, "Delete an address", status=204),
]
