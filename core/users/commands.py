"""Commands and results of the users use cases."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.shared.security import Principal
from core.users.model import AddressFields, NotificationChoices


@attrs.frozen
class CreateProfile:
    user_id: str
    display_name: str


@attrs.frozen
class EraseUserData:
    user_id: str


@attrs.frozen
class GetProfile:
    principal: Principal


@attrs.frozen
class UpdateProfile:
    principal: Principal
    display_name: str | None = None
    phone: str | None = None
    clear_phone: bool = False


@attrs.frozen
class UpdatePreferences:
    """Only the fields given change; the others keep their value."""

    principal: Principal
    language: str | None = None
    currency: str | None = None
    notifications: dict[str, bool] | None = None


@attrs.frozen
class AddAddress:
    principal: Principal
    fields: AddressFields
    make_default: bool = False


@attrs.frozen
class ListAddresses:
    principal: Principal


@attrs.frozen
class ChangeAddress:
    principal: Principal
    address_id: str
    changes: dict[str, str | None]
    make_default: bool = False


@attrs.frozen
class RemoveAddress:
    principal: Principal
    address_id: str


@attrs.frozen
class PreferencesView:
    language: str
    currency: str
    notifications: NotificationChoices


@attrs.frozen
class ProfileView:
    user_id: str
    display_name: str
    phone: str | None
    preferences: PreferencesView
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class AddressView:
    address_id: str
    label: str
    recipient: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str | None
    is_default: bool
    created_at: datetime
    updated_at: datetime
