from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event


@domain_event("users.ProfileCreated.v1", key="user_id")
@attrs.frozen(kw_only=True)
class ProfileCreated(Event):
    user_id: str
    display_name: str


@domain_event("users.ProfileUpdated.v1", key="user_id")
@attrs.frozen(kw_only=True)
class ProfileUpdated(Event):
    user_id: str
    fields: list[str]


@domain_event("users.PreferencesChanged.v1", key="user_id")
@attrs.frozen(kw_only=True)
class PreferencesChanged(Event):
    user_id: str
    language: str
    currency: str


@domain_event("users.AddressAdded.v1", key="user_id")
@attrs.frozen(kw_only=True)
class AddressAdded(Event):
    user_id: str
    address_id: str
    country: str


@domain_event("users.AddressChanged.v1", key="user_id")
@attrs.frozen(kw_only=True)
class AddressChanged(Event):
    user_id: str
    address_id: str


@domain_event("users.AddressRemoved.v1", key="user_id")
@attrs.frozen(kw_only=True)
class AddressRemoved(Event):
    user_id: str
    address_id: str


@domain_event("users.UserDataErased.v1", key="user_id")
@attrs.frozen(kw_only=True)
class UserDataErased(Event):
    user_id: str
