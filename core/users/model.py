"""Profiles, preferences and address books."""

from __future__ import annotations

import re
from datetime import datetime

import attrs

from core.shared.countries import COUNTRIES
from core.shared.errors import Validation
from core.shared.events import Aggregate
from core.shared.money import CURRENCIES
from core.users.events import (
    AddressAdded,
    AddressChanged,
    AddressRemoved,
    PreferencesChanged,
    ProfileCreated,
    ProfileUpdated,
    UserDataErased,
)

DISPLAY_NAME_MAX = 80
MAX_ADDRESSES = 20
LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "nl", "pl", "pt", "ru", "sv", "tr", "uk", "ja", "zh", "ko", "ar"})
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$", re.ASCII)
_POSTAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,14}$", re.ASCII)


def clean_text(v: Validation, value: str, field: str, *, max_len: int, required: bool = True) -> str:
    text = " ".join(value.split())
    if required and not text:
        v.add(field, "must not be empty")
    elif len(text) > max_len:
        v.add(field, f"must be at most {max_len} characters")
    elif any(ord(c) < 32 for c in value if c not in "\t\n\r"):
        v.add(field, "must not contain control characters")
    return text


def check_phone(v: Validation, phone: str | None, field: str = "phone") -> str | None:
    if phone is None or phone == "":
        return None
    cleaned = re.sub(r"[\s\-()]", "", phone)
    v.check(bool(_PHONE.match(cleaned)), field, "must be an international number such as +4930123456")
    return cleaned


@attrs.frozen
class NotificationChoices:
    order_updates: bool = True
    delivery_updates: bool = True
    promotions: bool = False
    newsletter: bool = False
    sms: bool = False


@attrs.frozen
class Preferences:
    language: str = "en"
    currency: str = "EUR"
    notifications: NotificationChoices = NotificationChoices()

    def check(self, v: Validation) -> None:
        v.check(self.language in LANGUAGES, "language", f"must be one of {', '.join(sorted(LANGUAGES))}")
        v.check(self.currency in CURRENCIES, "currency", "must be an ISO 4217 code the shop trades in")


@attrs.define
class Profile(Aggregate):
    user_id: str
    display_name: str
    phone: str | None
    preferences: Preferences
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, user_id: str, display_name: str, now: datetime) -> Profile:
        profile = cls(user_id, display_name, None, Preferences(), now, now)
        profile.record(ProfileCreated(occurred_at=now, user_id=user_id, display_name=display_name))
        return profile

    def update(self, *, display_name: str | None, phone: str | None, clear_phone: bool, now: datetime) -> None:
        changed = []
        if display_name is not None and display_name != self.display_name:
            self.display_name = display_name
            changed.append("display_name")
        new_phone = None if clear_phone else (phone if phone is not None else self.phone)
        if new_phone != self.phone:
            self.phone = new_phone
            changed.append("phone")
        if changed:
            self.updated_at = now
            self.record(ProfileUpdated(occurred_at=now, user_id=self.user_id, fields=changed))

    def change_preferences(self, preferences: Preferences, now: datetime) -> None:
        if preferences == self.preferences:
            return
        self.preferences = preferences
        self.updated_at = now
        self.record(
            PreferencesChanged(
                occurred_at=now,
                user_id=self.user_id,
                language=preferences.language,
                currency=preferences.currency,
            )
        )

    def address_added(self, address: Address, now: datetime) -> None:
        self.record(AddressAdded(occurred_at=now, user_id=self.user_id, address_id=address.id, country=address.country))

    def address_changed(self, address_id: str, now: datetime) -> None:
        self.record(AddressChanged(occurred_at=now, user_id=self.user_id, address_id=address_id))

    def address_removed(self, address_id: str, now: datetime) -> None:
        self.record(AddressRemoved(occurred_at=now, user_id=self.user_id, address_id=address_id))

    def erase(self, now: datetime) -> None:
        self.record(UserDataErased(occurred_at=now, user_id=self.user_id))


@attrs.frozen
class AddressFields:
    recipient: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    region: str = ""
    phone: str | None = None
    label: str = ""

    def cleaned(self) -> AddressFields:
        """The fields trimmed and checked; raises ``ValidationFailed`` naming every bad field."""
        v = Validation()
        recipient = clean_text(v, self.recipient, "recipient", max_len=100)
        line1 = clean_text(v, self.line1, "line1", max_len=120)
        line2 = clean_text(v, self.line2, "line2", max_len=120, required=False)
        city = clean_text(v, self.city, "city", max_len=80)
        region = clean_text(v, self.region, "region", max_len=80, required=False)
        label = clean_text(v, self.label, "label", max_len=40, required=False)
        postal = self.postal_code.strip().upper()
        v.check(bool(_POSTAL.match(postal)), "postal_code", "must be 1 to 15 letters, digits, spaces or dashes")
        country = self.country.strip().upper()
        v.check(country in COUNTRIES, "country", "must be an ISO 3166-1 alpha-2 code such as DE")
        phone = check_phone(v, self.phone)
        v.raise_if_any()
        return AddressFields(recipient, line1, city, postal, country, line2, region, phone, label)


@attrs.define
class Address:
    id: str
    user_id: str
    fields: AddressFields
    is_default: bool
    created_at: datetime
    updated_at: datetime

    @property
    def country(self) -> str:
        return self.fields.country
