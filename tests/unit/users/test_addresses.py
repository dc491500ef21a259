from __future__ import annotations

from collections.abc import Callable

import pytest

from core.shared.errors import Conflict, NotFound, ValidationFailed
from core.shared.security import Principal, Role
from core.users.commands import AddAddress, AddressView, ChangeAddress, ListAddresses, RemoveAddress
from core.users.events import AddressAdded, AddressChanged, AddressRemoved
from core.users.model import MAX_ADDRESSES, AddressFields

from ..harness import Published, UsersApp

MakeAddress = Callable[..., AddressFields]


async def add(
    users: UsersApp, who: Principal, make_address: MakeAddress, make_default: bool = False, **fields: object
) -> AddressView:
    view = await users.add_address(AddAddress(who, make_address(**fields), make_default))
    users.clock.advance(1)  # every address gets its own creation time
    return view


async def book(users: UsersApp, who: Principal) -> list[AddressView]:
    return await users.list_addresses(ListAddresses(who))


def defaults(views: list[AddressView]) -> list[str]:
    return [v.address_id for v in views if v.is_default]


# --- adding -----------------------------------------------------------------------------------------------


async def test_an_added_address_is_cleaned_and_stored(
    users: UsersApp, published: Published, make_address: MakeAddress
) -> None:
    me = await users.member()
    published.clear()
    now = users.clock.now()

    view = await users.add_address(
        AddAddress(
            me,
            make_address(
                recipient="  Alice   Example ",
                line1=" Hauptstrasse  1 ",
                line2=" Hinterhaus ",
                city=" Berlin ",
                region=" BE ",
                postal_code=" 10115 ",
                country=" de ",
                phone="+49 30 123456",
                label=" Home ",
            ),
        )
    )

    assert view == AddressView(
        address_id=view.address_id,
        label="Home",
        recipient="Alice Example",
        line1="Hauptstrasse 1",
        line2="Hinterhaus",
        city="Berlin",
        region="BE",
        postal_code="10115",
        country="DE",
        phone="+4930123456",
        is_default=True,
        created_at=now,
        updated_at=now,
    )
    assert [a.id for a in await users.stored_addresses(me.user_id)] == [view.address_id]
    [event] = published.of(AddressAdded)
    assert (event.user_id, event.address_id, event.country) == (me.user_id, view.address_id, "DE")


async def test_a_postal_code_is_kept_in_upper_case(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()

    view = await add(users, me, make_address, postal_code="sw1a 1aa", country="gb")

    assert (view.postal_code, view.country) == ("SW1A 1AA", "GB")


async def test_the_first_address_is_the_default_the_next_ones_not(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()

    first = await add(users, me, make_address, label="home")
    second = await add(users, me, make_address, label="work")

    assert first.is_default
    assert not second.is_default
    assert defaults(await book(users, me)) == [first.address_id]


async def test_adding_with_make_default_moves_the_default(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    first = await add(users, me, make_address, label="home")

    second = await add(users, me, make_address, make_default=True, label="work")

    assert second.is_default
    views = await book(users, me)
    assert defaults(views) == [second.address_id]
    assert [v.address_id for v in views] == [first.address_id, second.address_id]  # oldest first


async def test_the_book_lists_only_my_addresses_oldest_first(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member("user-1")
    other = await users.member("user-2", "Bob")
    mine = [(await add(users, me, make_address, label=f"mine {n}")).address_id for n in range(3)]
    await add(users, other, make_address, label="theirs")

    assert [v.address_id for v in await book(users, me)] == mine
    assert [v.label for v in await book(users, other)] == ["theirs"]


async def test_a_book_holds_at_most_max_addresses(
    users: UsersApp, published: Published, make_address: MakeAddress
) -> None:
    me = await users.member()
    for n in range(MAX_ADDRESSES):
        await add(users, me, make_address, label=f"a{n}")
    published.clear()

    with pytest.raises(Conflict, match=str(MAX_ADDRESSES)):
        await add(users, me, make_address, make_default=True, label="one too many")

    views = await book(users, me)
    assert len(views) == MAX_ADDRESSES
    assert "one too many" not in {v.label for v in views}
    assert defaults(views) == [views[0].address_id]
    assert published.envelopes == []


async def test_the_limit_is_per_user(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member("user-1")
    other = await users.member("user-2")
    for _ in range(MAX_ADDRESSES):
        await add(users, me, make_address)

    assert (await add(users, other, make_address)).is_default


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "Germany"}, "country"),
        ({"country": ""}, "country"),
        ({"postal_code": ""}, "postal_code"),
        ({"postal_code": "-10115"}, "postal_code"),
        ({"postal_code": "1" * 16}, "postal_code"),
        ({"postal_code": "10115!"}, "postal_code"),
        ({"phone": "030 123456"}, "phone"),
        ({"recipient": "  "}, "recipient"),
        ({"recipient": "x" * 101}, "recipient"),
        ({"line1": ""}, "line1"),
        ({"line1": "Street\x00 1"}, "line1"),
        ({"line2": "x" * 121}, "line2"),
        ({"city": ""}, "city"),
        ({"region": "x" * 81}, "region"),
        ({"label": "x" * 41}, "label"),
    ],
)
async def test_a_bad_field_is_refused_naming_it(
    users: UsersApp, published: Published, make_address: MakeAddress, fields: dict[str, str], bad: str
) -> None:
    me = await users.member()
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await add(users, me, make_address, **fields)

    assert [e.field for e in raised.value.errors] == [bad]
    assert await book(users, me) == []
    assert published.envelopes == []


async def test_every_bad_field_is_reported_at_once(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()

    with pytest.raises(ValidationFailed) as raised:
        await add(users, me, make_address, recipient="", line1="", city="", postal_code="?", country="XX", phone="1")

    assert [e.field for e in raised.value.errors] == [
        "recipient",
        "line1",
        "city",
        "postal_code",
        "country",
        "phone",
    ]


async def test_adding_without_a_profile_is_not_found(users: UsersApp, make_address: MakeAddress) -> None:
    with pytest.raises(NotFound):
        await add(users, Principal("nobody", frozenset({Role.CUSTOMER})), make_address)

    assert users.tables.addresses.rows == {}


# --- changing ---------------------------------------------------------------------------------------------


async def test_changing_an_address(users: UsersApp, published: Published, make_address: MakeAddress) -> None:
    me = await users.member()
    address = await add(users, me, make_address)
    published.clear()
    users.clock.advance(60)

    view = await users.change_address(
        ChangeAddress(me, address.address_id, {"city": " Potsdam ", "postal_code": "14467", "phone": "+49 331 123456"})
    )

    assert (view.city, view.postal_code, view.phone) == ("Potsdam", "14467", "+49331123456")
    assert (view.recipient, view.line1, view.country) == ("Alice Example", "Hauptstrasse 1", "DE")
    assert view.updated_at == users.clock.now()
    assert view.created_at == address.created_at
    assert view.is_default
    assert await book(users, me) == [view]
    [event] = published.of(AddressChanged)
    assert (event.user_id, event.address_id) == (me.user_id, address.address_id)


async def test_none_clears_an_optional_field(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    address = await add(users, me, make_address, line2="Hinterhaus", phone="+4930123456", label="home")

    view = await users.change_address(
        ChangeAddress(me, address.address_id, {"line2": None, "phone": None, "label": None})
    )

    assert (view.line2, view.phone, view.label) == ("", None, "")


async def test_none_for_a_required_field_is_refused(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    address = await add(users, me, make_address)

    with pytest.raises(ValidationFailed) as raised:
        await users.change_address(ChangeAddress(me, address.address_id, {"recipient": None, "city": None}))

    assert [e.field for e in raised.value.errors] == ["recipient", "city"]
    assert await book(users, me) == [address]


async def test_a_bad_change_changes_nothing(users: UsersApp, published: Published, make_address: MakeAddress) -> None:
    me = await users.member()
    address = await add(users, me, make_address)
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await users.change_address(ChangeAddress(me, address.address_id, {"country": "ZZ", "city": "Paris"}))

    assert [e.field for e in raised.value.errors] == ["country"]
    assert await book(users, me) == [address]
    assert published.envelopes == []


@pytest.mark.parametrize("key", ["is_default", "user_id", "street", "id"])
async def test_a_change_to_something_not_an_address_field_is_refused_naming_it(
    users: UsersApp, make_address: MakeAddress, key: str
) -> None:
    me = await users.member()
    address = await add(users, me, make_address)

    with pytest.raises(ValidationFailed) as raised:
        await users.change_address(ChangeAddress(me, address.address_id, {"city": "Paris", key: "x"}))

    assert [e.field for e in raised.value.errors] == [key]
    assert await book(users, me) == [address]


async def test_changing_with_make_default_moves_the_default(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    first = await add(users, me, make_address)
    second = await add(users, me, make_address)
    third = await add(users, me, make_address)

    view = await users.change_address(ChangeAddress(me, third.address_id, {}, make_default=True))

    assert view.is_default
    assert defaults(await book(users, me)) == [third.address_id]
    assert first.is_default
    assert not second.is_default


async def test_make_default_on_the_default_keeps_it(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    first = await add(users, me, make_address)
    await add(users, me, make_address)

    await users.change_address(ChangeAddress(me, first.address_id, {"label": "home"}, make_default=True))

    assert defaults(await book(users, me)) == [first.address_id]


# --- removing ---------------------------------------------------------------------------------------------


async def test_removing_an_address(users: UsersApp, published: Published, make_address: MakeAddress) -> None:
    me = await users.member()
    first = await add(users, me, make_address)
    second = await add(users, me, make_address)
    published.clear()

    await users.remove_address(RemoveAddress(me, second.address_id))

    views = await book(users, me)
    assert [v.address_id for v in views] == [first.address_id]
    assert defaults(views) == [first.address_id]
    [event] = published.of(AddressRemoved)
    assert (event.user_id, event.address_id) == (me.user_id, second.address_id)
    assert second.address_id not in users.tables.addresses.rows


async def test_removing_the_default_promotes_the_oldest_remaining(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    oldest = await add(users, me, make_address, label="oldest")
    middle = await add(users, me, make_address, label="middle")
    newest = await add(users, me, make_address, make_default=True, label="newest")

    await users.remove_address(RemoveAddress(me, newest.address_id))

    views = await book(users, me)
    assert [v.address_id for v in views] == [oldest.address_id, middle.address_id]
    assert defaults(views) == [oldest.address_id]
    assert views[0].updated_at == users.clock.now()


async def test_removing_the_only_address_leaves_an_empty_book(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    only = await add(users, me, make_address)

    await users.remove_address(RemoveAddress(me, only.address_id))

    assert await book(users, me) == []


async def test_a_removed_address_is_gone_for_change_and_remove(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member()
    gone = await add(users, me, make_address)
    await users.remove_address(RemoveAddress(me, gone.address_id))

    with pytest.raises(NotFound):
        await users.change_address(ChangeAddress(me, gone.address_id, {"city": "Paris"}))
    with pytest.raises(NotFound):
        await users.remove_address(RemoveAddress(me, gone.address_id))


# --- someone else's address -------------------------------------------------------------------------------


async def test_another_users_address_is_not_found_and_untouched(
    users: UsersApp, published: Published, make_address: MakeAddress
) -> None:
    me = await users.member("user-1")
    other = await users.member("user-2", "Bob")
    theirs = await add(users, other, make_address)
    published.clear()

    with pytest.raises(NotFound) as on_change:
        await users.change_address(ChangeAddress(me, theirs.address_id, {"city": "Paris"}))
    with pytest.raises(NotFound) as on_remove:
        await users.remove_address(RemoveAddress(me, theirs.address_id))
    with pytest.raises(NotFound) as unknown:
        await users.remove_address(RemoveAddress(me, "no-such-address"))

    # Reported exactly like a missing address: the id reveals nothing.
    assert on_change.value.message == on_remove.value.message == unknown.value.message
    assert await book(users, me) == []
    assert await book(users, other) == [theirs]
    assert published.envelopes == []


async def test_another_users_address_cannot_become_my_default(users: UsersApp, make_address: MakeAddress) -> None:
    me = await users.member("user-1")
    other = await users.member("user-2", "Bob")
    mine = await add(users, me, make_address)
    theirs = await add(users, other, make_address)

    with pytest.raises(NotFound):
        await users.change_address(ChangeAddress(me, theirs.address_id, {}, make_default=True))

    assert defaults(await book(users, me)) == [mine.address_id]
    assert defaults(await book(users, other)) == [theirs.address_id]
