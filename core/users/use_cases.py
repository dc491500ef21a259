"""Users use cases: profile, preferences, address book, erasure."""

from __future__ import annotations

from typing import Any

import attrs

from core.shared.errors import Conflict, NotFound, Validation, ValidationFailed
from core.users.commands import (
    AddAddress,
    AddressView,
    ChangeAddress,
    CreateProfile,
    EraseUserData,
    GetProfile,
    ListAddresses,
    PreferencesView,
    ProfileView,
    RemoveAddress,
    UpdatePreferences,
    UpdateProfile,
)
from core.users.model import (
    DISPLAY_NAME_MAX,
    MAX_ADDRESSES,
    Address,
    AddressFields,
    NotificationChoices,
    Preferences,
    Profile,
    check_phone,
    clean_text,
)
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory
from ports.users import UsersUnitOfWork


def profile_view(profile: Profile) -> ProfileView:
    p = profile.preferences
    return ProfileView(
        user_id=profile.user_id,
        display_name=profile.display_name,
        phone=profile.phone,
        preferences=PreferencesView(p.language, p.currency, p.notifications),
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def address_view(address: Address) -> AddressView:
    f = address.fields
    return AddressView(
        address_id=address.id,
        label=f.label,
        recipient=f.recipient,
        line1=f.line1,
        line2=f.line2,
        city=f.city,
        region=f.region,
        postal_code=f.postal_code,
        country=f.country,
        phone=f.phone,
        is_default=address.is_default,
        created_at=address.created_at,
        updated_at=address.updated_at,
    )


async def _profile(uow: UsersUnitOfWork, user_id: str) -> Profile:
    profile = await uow.profiles.get(user_id)
    if profile is None:
        raise NotFound("this user has no profile")
    return profile


class CreateUserProfile:
    """Runs on auth.UserRegistered: every account gets a profile. Safe to repeat."""

    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: CreateProfile) -> None:
        async with self.uow() as uow:
            if await uow.profiles.get(command.user_id) is not None:
                return
            await uow.profiles.add(Profile.create(command.user_id, command.display_name, self.clock.now()))
            await uow.commit()


class EraseUser:
    """Runs on auth.AccountDeleted: the profile and the address book go, nothing personal stays."""

    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: EraseUserData) -> None:
        async with self.uow() as uow:
            profile = await uow.profiles.get(command.user_id)
            await uow.addresses.remove_all_for_user(command.user_id)
            if profile is not None:
                profile.erase(self.clock.now())
                await uow.profiles.remove(profile)
            await uow.commit()


class ShowProfile:
    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: GetProfile) -> ProfileView:
        async with self.uow() as uow:
            return profile_view(await _profile(uow, command.principal.user_id))


class EditProfile:
    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: UpdateProfile) -> ProfileView:
        v = Validation()
        name = None
        if command.display_name is not None:
            name = clean_text(v, command.display_name, "display_name", max_len=DISPLAY_NAME_MAX)
        phone = check_phone(v, command.phone)
        v.raise_if_any()
        async with self.uow() as uow:
            profile = await _profile(uow, command.principal.user_id)
            profile.update(display_name=name, phone=phone, clear_phone=command.clear_phone, now=self.clock.now())
            await uow.profiles.update(profile)
            await uow.commit()
        return profile_view(profile)


class ChangePreferences:
    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: UpdatePreferences) -> PreferencesView:
        async with self.uow() as uow:
            profile = await _profile(uow, command.principal.user_id)
            current = profile.preferences
            notifications = current.notifications
            if command.notifications:
                known = attrs.fields_dict(NotificationChoices)
                unknown = [k for k in command.notifications if k not in known]
                if unknown:
                    raise ValidationFailed.of(f"notifications.{unknown[0]}", "is not a notification choice")
                notifications = attrs.evolve(notifications, **command.notifications)
            wanted = Preferences(
                language=command.language if command.language is not None else current.language,
                currency=command.currency.upper() if command.currency is not None else current.currency,
                notifications=notifications,
            )
            v = Validation()
            wanted.check(v)
            v.raise_if_any()
            profile.change_preferences(wanted, self.clock.now())
            await uow.profiles.update(profile)
            await uow.commit()
        p = profile.preferences
        return PreferencesView(p.language, p.currency, p.notifications)


class AddUserAddress:
    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork], ids: IdGenerator, clock: Clock) -> None:
        self.uow, self.ids, self.clock = uow, ids, clock

    async def __call__(self, command: AddAddress) -> AddressView:
        fields = command.fields.cleaned()
        user_id = command.principal.user_id
        now = self.clock.now()
        async with self.uow() as uow:
            profile = await _profile(uow, user_id)
            book = await uow.addresses.list_for_user(user_id)
            if len(book) >= MAX_ADDRESSES:
                raise Conflict(f"an address book holds at most {MAX_ADDRESSES} addresses")
            make_default = command.make_default or not book
            if make_default:
                await _clear_default(uow, book)
            address = Address(self.ids.new_id(), user_id, fields, make_default, now, now)
            await uow.addresses.add(address)
            profile.address_added(address, now)
            await uow.commit()
        return address_view(address)


async def _clear_default(uow: UsersUnitOfWork, book: list[Address]) -> None:
    for other in book:
        if other.is_default:
            other.is_default = False
            await uow.addresses.update(other)


class ListUserAddresses:
    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListAddresses) -> list[AddressView]:
        async with self.uow() as uow:
            book = await uow.addresses.list_for_user(command.principal.user_id)
        return [address_view(a) for a in book]


async def _own_address(uow: UsersUnitOfWork, user_id: str, address_id: str) -> Address:
    address = await uow.addresses.get(address_id)
    # Another user's address is reported exactly like a missing one: ids reveal nothing.
    if address is None or address.user_id != user_id:
        raise NotFound("no such address")
    return address


class ChangeUserAddress:
    EDITABLE = frozenset(attrs.fields_dict(AddressFields))

    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: ChangeAddress) -> AddressView:
        unknown = [k for k in command.changes if k not in self.EDITABLE]
        if unknown:
            raise ValidationFailed.of(unknown[0], "is not an address field")
        user_id = command.principal.user_id
        now = self.clock.now()
        async with self.uow() as uow:
            profile = await _profile(uow, user_id)
            address = await _own_address(uow, user_id, command.address_id)
            changes: dict[str, Any] = {k: ("" if v is None and k != "phone" else v) for k, v in command.changes.items()}
            address.fields = attrs.evolve(address.fields, **changes).cleaned()
            if command.make_default and not address.is_default:
                book = await uow.addresses.list_for_user(user_id)
                await _clear_default(uow, [a for a in book if a.id != address.id])
                address.is_default = True
            address.updated_at = now
            await uow.addresses.update(address)
            profile.address_changed(address.id, now)
            await uow.commit()
        return address_view(address)


class RemoveUserAddress:
    """Delete an address; if it was the default, the oldest remaining one becomes the default."""

    def __init__(self, uow: UnitOfWorkFactory[UsersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: RemoveAddress) -> None:
        user_id = command.principal.user_id
        now = self.clock.now()
        async with self.uow() as uow:
            profile = await _profile(uow, user_id)
            address = await _own_address(uow, user_id, command.address_id)
            await uow.addresses.remove(address.id)
            if address.is_default:
                rest = [a for a in await uow.addresses.list_for_user(user_id) if a.id != address.id]
                if rest:
                    rest[0].is_default = True
                    rest[0].updated_at = now
                    await uow.addresses.update(rest[0])
            profile.address_removed(address.id, now)
            await uow.commit()
