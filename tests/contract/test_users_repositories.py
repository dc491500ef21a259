"""The ProfileRepository, AddressRepository and UsersUnitOfWork contract, memory and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import ManualClock
from core.shared.errors import Conflict
from core.shared.events import EventEnvelope
from core.users.model import Address, AddressFields, NotificationChoices, Preferences, Profile
from ports.users import UsersUnitOfWork

START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)

UowFactory = Callable[[], UsersUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]

ALICE = "00000000-0000-7000-8000-00000000a11c"
BOB = "00000000-0000-7000-8000-000000000b0b"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def full_profile(clock: ManualClock) -> Profile:
    """A profile with every field away from its default."""
    profile = Profile.create(ALICE, "Alice Liddell", clock.now())
    clock.advance(30)
    profile.update(display_name="Alice L.", phone="+4930123456", clear_phone=False, now=clock.now())
    profile.change_preferences(
        Preferences(
            language="de",
            currency="CHF",
            notifications=NotificationChoices(
                order_updates=False, delivery_updates=False, promotions=True, newsletter=True, sms=True
            ),
        ),
        clock.now(),
    )
    return profile


def address(n: int, user_id: str, created_at: datetime, *, default: bool = False, label: str = "Home") -> Address:
    return Address(
        id=f"00000000-0000-7000-8000-{n:012d}",
        user_id=user_id,
        fields=AddressFields(
            recipient=f"Recipient {n}",
            line1=f"{n} Unter den Linden",
            city="Berlin",
            postal_code="10117",
            country="DE",
            line2="Hinterhaus, 3. OG",
            region="Berlin",
            phone="+4930123456",
            label=label,
        ),
        is_default=default,
        created_at=created_at,
        updated_at=created_at + timedelta(minutes=n),
    )


async def store_addresses(users_uow: UowFactory, *addresses: Address) -> None:
    async with users_uow() as uow:
        for a in addresses:
            await uow.addresses.add(a)
        await uow.commit()


# Profiles


async def test_a_profile_comes_back_with_every_field(users_uow: UowFactory, clock: ManualClock) -> None:
    profile = full_profile(clock)
    async with users_uow() as uow:
        await uow.profiles.add(profile)
        await uow.commit()

    async with users_uow() as uow:
        loaded = await uow.profiles.get(ALICE)

    assert loaded == profile
    assert loaded is not None
    assert loaded.preferences.notifications == NotificationChoices(False, False, True, True, True)
    assert loaded.created_at == START
    assert loaded.updated_at == START + timedelta(seconds=30)


async def test_a_default_profile_comes_back_with_default_preferences(users_uow: UowFactory, clock: ManualClock) -> None:
    profile = Profile.create(BOB, "Bob", clock.now())
    async with users_uow() as uow:
        await uow.profiles.add(profile)
        await uow.commit()
    async with users_uow() as uow:
        loaded = await uow.profiles.get(BOB)
    assert loaded == profile
    assert loaded is not None
    assert loaded.phone is None
    assert loaded.preferences == Preferences()


async def test_an_unknown_user_has_no_profile(users_uow: UowFactory) -> None:
    async with users_uow() as uow:
        assert await uow.profiles.get(ALICE) is None


async def test_a_second_profile_for_a_user_is_a_conflict(users_uow: UowFactory, clock: ManualClock) -> None:
    async with users_uow() as uow:
        await uow.profiles.add(Profile.create(ALICE, "Alice", clock.now()))
        await uow.commit()
    async with users_uow() as uow:
        with pytest.raises(Conflict, match=r"^this user already has a profile$"):
            await uow.profiles.add(Profile.create(ALICE, "Another Alice", clock.now()))
        # The unit of work is still usable after the conflict.
        await uow.profiles.add(Profile.create(BOB, "Bob", clock.now()))
        await uow.commit()
    async with users_uow() as uow:
        alice = await uow.profiles.get(ALICE)
        assert alice is not None
        assert alice.display_name == "Alice"
        assert await uow.profiles.get(BOB) is not None


async def test_a_profile_update_is_stored_and_a_removal_forgets_it(users_uow: UowFactory, clock: ManualClock) -> None:
    async with users_uow() as uow:
        await uow.profiles.add(Profile.create(ALICE, "Alice", clock.now()))
        await uow.commit()
    clock.advance(60)
    async with users_uow() as uow:
        profile = await uow.profiles.get(ALICE)
        assert profile is not None
        profile.update(display_name="Alice Liddell", phone="+4930999999", clear_phone=False, now=clock.now())
        profile.change_preferences(Preferences(language="fr", currency="EUR"), clock.now())
        await uow.profiles.update(profile)
        await uow.commit()
    async with users_uow() as uow:
        assert await uow.profiles.get(ALICE) == profile
        await uow.profiles.remove(profile)
        await uow.commit()
    async with users_uow() as uow:
        assert await uow.profiles.get(ALICE) is None


async def test_profile_events_are_handed_on_at_commit(
    users_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    profile = Profile.create(ALICE, "Alice", clock.now())
    async with users_uow() as uow:
        await uow.profiles.add(profile)
        await uow.commit()
    clock.advance(10)
    home = address(1, ALICE, clock.now(), default=True)
    async with users_uow() as uow:
        loaded = await uow.profiles.get(ALICE)
        assert loaded is not None
        await uow.addresses.add(home)
        loaded.address_added(home, clock.now())  # raised on the loaded profile, never stored again
        await uow.commit()

    events = await committed_events()

    assert [(e.type, e.key) for e in events] == [
        ("users.ProfileCreated.v1", ALICE),
        ("users.AddressAdded.v1", ALICE),
    ]
    assert events[0].payload == {"user_id": ALICE, "display_name": "Alice"}
    assert events[1].payload == {"user_id": ALICE, "address_id": home.id, "country": "DE"}
    assert events[1].occurred_at == clock.now()


async def test_leaving_without_commit_keeps_nothing_and_publishes_nothing(
    users_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    async with users_uow() as uow:
        profile = Profile.create(ALICE, "Alice", clock.now())
        await uow.profiles.add(profile)
        await uow.addresses.add(address(1, ALICE, clock.now()))
        profile.address_added(address(1, ALICE, clock.now()), clock.now())

    async with users_uow() as uow:
        assert await uow.profiles.get(ALICE) is None
        assert await uow.addresses.list_for_user(ALICE) == []
    assert await committed_events() == []


# Addresses


async def test_an_address_comes_back_with_every_field(users_uow: UowFactory, clock: ManualClock) -> None:
    home = address(1, ALICE, clock.now(), default=True, label="Home")
    bare = Address(
        id="00000000-0000-7000-8000-000000000002",
        user_id=ALICE,
        fields=AddressFields(recipient="A", line1="B 1", city="C", postal_code="1", country="FR"),
        is_default=False,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    await store_addresses(users_uow, home, bare)

    async with users_uow() as uow:
        assert await uow.addresses.get(home.id) == home
        assert await uow.addresses.get(bare.id) == bare
        assert await uow.addresses.get("00000000-0000-7000-8000-000000000999") is None


async def test_an_address_book_lists_oldest_first_then_by_id(users_uow: UowFactory, clock: ManualClock) -> None:
    t0 = clock.now()
    # Added out of order; 2 and 3 were made in the same instant, so their ids break the tie.
    book = [
        address(4, ALICE, t0 + timedelta(seconds=2)),
        address(3, ALICE, t0 + timedelta(seconds=1)),
        address(1, ALICE, t0 + timedelta(seconds=3)),
        address(2, ALICE, t0 + timedelta(seconds=1)),
        address(5, ALICE, t0),
    ]
    await store_addresses(users_uow, *book, address(9, BOB, t0))

    async with users_uow() as uow:
        listed = await uow.addresses.list_for_user(ALICE)
        nobody = await uow.addresses.list_for_user("00000000-0000-7000-8000-000000000000")

    assert [a.id[-1] for a in listed] == ["5", "2", "3", "4", "1"]
    assert all(a.user_id == ALICE for a in listed)
    assert nobody == []


async def test_an_address_update_is_stored(users_uow: UowFactory, clock: ManualClock) -> None:
    home = address(1, ALICE, clock.now())
    await store_addresses(users_uow, home)
    clock.advance(120)
    async with users_uow() as uow:
        loaded = await uow.addresses.get(home.id)
        assert loaded is not None
        loaded.fields = AddressFields(
            recipient="Alice Liddell",
            line1="1 Rue de Rivoli",
            city="Paris",
            postal_code="75001",
            country="FR",
            label="Work",
        )
        loaded.is_default = True
        loaded.updated_at = clock.now()
        await uow.addresses.update(loaded)
        await uow.commit()
    async with users_uow() as uow:
        assert await uow.addresses.get(home.id) == loaded


async def test_an_address_can_be_removed(users_uow: UowFactory, clock: ManualClock) -> None:
    first, second = address(1, ALICE, clock.now()), address(2, ALICE, clock.now())
    await store_addresses(users_uow, first, second)
    async with users_uow() as uow:
        await uow.addresses.remove(first.id)
        await uow.commit()
    async with users_uow() as uow:
        assert await uow.addresses.get(first.id) is None
        assert await uow.addresses.list_for_user(ALICE) == [second]


async def test_removing_all_of_a_users_addresses_counts_them_and_spares_others(
    users_uow: UowFactory, clock: ManualClock
) -> None:
    await store_addresses(
        users_uow,
        address(1, ALICE, clock.now()),
        address(2, ALICE, clock.now()),
        address(3, ALICE, clock.now()),
        address(4, BOB, clock.now()),
    )
    async with users_uow() as uow:
        assert await uow.addresses.remove_all_for_user(ALICE) == 3
        assert await uow.addresses.list_for_user(ALICE) == []  # seen inside the unit of work already
        await uow.commit()
    async with users_uow() as uow:
        assert await uow.addresses.list_for_user(ALICE) == []
        assert [a.id for a in await uow.addresses.list_for_user(BOB)] == [address(4, BOB, clock.now()).id]
        assert await uow.addresses.remove_all_for_user(ALICE) == 0
