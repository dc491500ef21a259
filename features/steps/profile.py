"""Steps about the profile, preferences and the address book (features/profile.feature)."""

from __future__ import annotations

import json

from pytest_bdd import given, then, when

from core.auth.commands import GetAccount
from core.auth.use_cases import GetAccountInfo
from core.shared.errors import NotFound
from features.steps.accounts import DEFAULT_DEVICE, OPERATOR, World, customer, logged_in
from features.steps.text import step
from ports.shared import UnitOfWorkFactory
from ports.users import UsersUnitOfWork

ME = "/api/v1/me"
POSTAL_CODES = {"Berlin": "10115", "Munich": "80331", "Hamburg": "20095"}


def _address(label: str, city: str, country: str) -> dict[str, object]:
    return {
        "label": label,
        "recipient": "Ann Smith",
        "line1": f"{label}strasse 1",
        "city": city,
        "postal_code": POSTAL_CODES.get(city, "10115"),
        "country": country,
    }


def _book(world: World, email: str) -> list[dict[str, object]]:
    reply = world.as_user("GET", email, f"{ME}/addresses")
    assert reply.status == 200
    items: list[dict[str, object]] = reply.body["items"]
    return items


def _address_id(world: World, email: str, label: str) -> str:
    return next(str(a["address_id"]) for a in _book(world, email) if a["label"] == label)


@given(step('"{email}" has the address "{label}" in "{city}", "{country}"'))
def has_address(world: World, email: str, label: str, city: str, country: str) -> None:
    assert world.as_user("POST", email, f"{ME}/addresses", _address(label, city, country)).status == 201


def customer_at_home(world: World, email: str, password: str) -> None:
    """The customer (made now if the scenario has none of that name), logged in, with a "Home" address in
    Berlin: what a checkout needs, made the quickest way."""
    if email not in world.passwords:
        customer(world, email, password)
    if (email, DEFAULT_DEVICE) not in world.tokens:
        logged_in(world, email)
    addresses = world.api.get(f"{ME}/addresses", token=world.token(email))
    assert addresses.status == 200, addresses.body
    if not any(a["label"] == "Home" for a in addresses.body["items"]):
        has_address(world, email, "Home", "Berlin", "DE")


@when(step('"{email}" reads her profile'))
def reads_profile(world: World, email: str) -> None:
    world.as_user("GET", email, f"{ME}/profile")


@when(step('"{email}" changes her profile to the name "{name}" and the phone "{phone}"'))
def changes_profile(world: World, email: str, name: str, phone: str) -> None:
    world.as_user("PATCH", email, f"{ME}/profile", {"display_name": name, "phone": phone})


@when(step('"{email}" removes her phone number'))
def removes_phone(world: World, email: str) -> None:
    world.as_user("PATCH", email, f"{ME}/profile", {"phone": None})


@when(step('"{email}" sends the profile change {body}'))
def sends_profile_change(world: World, email: str, body: str) -> None:
    world.as_user("PATCH", email, f"{ME}/profile", json.loads(body))


PREFERENCES = (
    '"{email}" sets her preferences to the language "{language}", the currency "{currency}"'
    ' and promotions "{promotions}"'
)


@when(step(PREFERENCES))
def sets_preferences(world: World, email: str, language: str, currency: str, promotions: str) -> None:
    body = {"language": language, "currency": currency, "notifications": {"promotions": promotions == "on"}}
    world.as_user("PATCH", email, f"{ME}/preferences", body)


@when(step('"{email}" adds the address "{label}" in "{city}", "{country}" as the default'))
def adds_default_address(world: World, email: str, label: str, city: str, country: str) -> None:
    world.as_user("POST", email, f"{ME}/addresses", {**_address(label, city, country), "default": True})


@when(step('"{email}" adds the address "{label}" in "{city}", "{country}"'))
def adds_address(world: World, email: str, label: str, city: str, country: str) -> None:
    world.as_user("POST", email, f"{ME}/addresses", _address(label, city, country))


@when(step('"{email}" adds an address in the country "{country}" with the postal code "{postal}"'))
def adds_bad_address(world: World, email: str, country: str, postal: str) -> None:
    body = {**_address("Bad", "Berlin", country), "postal_code": postal}
    world.as_user("POST", email, f"{ME}/addresses", body)


@when(step('"{email}" deletes the address "{label}"'))
def deletes_address(world: World, email: str, label: str) -> None:
    world.as_user("DELETE", email, f"{ME}/addresses/{_address_id(world, email, label)}")


@when(step('"{email}" changes the city of "{label}" to "{city}" and the postal code to "{postal}"'))
def changes_city(world: World, email: str, label: str, city: str, postal: str) -> None:
    address_id = _address_id(world, email, label)
    world.as_user("PATCH", email, f"{ME}/addresses/{address_id}", {"city": city, "postal_code": postal})


@when(step('"{email}" changes the city of ann\'s "{label}" to "{city}"'))
def changes_someone_elses(world: World, email: str, label: str, city: str) -> None:
    address_id = _address_id(world, "ann@example.com", label)
    world.as_user("PATCH", email, f"{ME}/addresses/{address_id}", {"city": city})


@when(step('"{email}" deletes ann\'s "{label}"'))
def deletes_someone_elses(world: World, email: str, label: str) -> None:
    address_id = _address_id(world, "ann@example.com", label)
    world.as_user("DELETE", email, f"{ME}/addresses/{address_id}")


@when(step('"{email}" deletes her account with the password "{password}"'))
def deletes_account(world: World, email: str, password: str) -> None:
    world.erased_user_id = world.user_id(email)
    world.as_user("DELETE", email, ME, {"password": password})


@then(step('the profile shows the display name "{name}"'))
def profile_name(world: World, name: str) -> None:
    reply = world.as_user("GET", "ann@example.com", f"{ME}/profile")
    assert reply.body["display_name"] == name


@then(step('the profile shows the phone "{phone}"'))
def profile_phone(world: World, phone: str) -> None:
    assert world.as_user("GET", "ann@example.com", f"{ME}/profile").body["phone"] == phone


@then("the profile shows no phone")
def profile_no_phone(world: World) -> None:
    assert world.as_user("GET", "ann@example.com", f"{ME}/profile").body["phone"] is None


@then(step('her preferences show the language "{language}" and promotions "{promotions}"'))
def preferences_show(world: World, language: str, promotions: str) -> None:
    body = world.as_user("GET", "ann@example.com", f"{ME}/preferences").body
    assert body["language"] == language
    assert body["notifications"]["promotions"] is (promotions == "on")


@then(step('her preferences show order updates "{state}"'))
def order_updates(world: World, state: str) -> None:
    body = world.as_user("GET", "ann@example.com", f"{ME}/preferences").body
    assert body["notifications"]["order_updates"] is (state == "on")


@then(step('"{label}" is her default address'))
def default_address(world: World, label: str) -> None:
    defaults = [a["label"] for a in _book(world, "ann@example.com") if a["is_default"]]
    assert defaults == [label]


@then(step('her address book lists "{labels}"'))
def book_lists(world: World, labels: str) -> None:
    assert [a["label"] for a in _book(world, "ann@example.com")] == [x.strip() for x in labels.split(",")]


@then("her address book is empty")
def book_empty(world: World) -> None:
    assert _book(world, "ann@example.com") == []


@then(step('"{email}" sees an empty address book'))
def other_book_empty(world: World, email: str) -> None:
    assert _book(world, email) == []


@then(step('the address "{label}" is in "{city}" with the postal code "{postal}"'))
def address_is(world: World, label: str, city: str, postal: str) -> None:
    address = next(a for a in _book(world, "ann@example.com") if a["label"] == label)
    assert (address["city"], address["postal_code"]) == (city, postal)


@then(step('nothing of "{email}" is stored any more'))
def nothing_stored(world: World, email: str) -> None:
    user_id = world.erased_user_id
    runtime = world.server.runtime

    async def leftovers() -> tuple[bool, object, list[object]]:
        try:
            await runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email=email))
            account_left = True
        except NotFound:
            account_left = False
        uow = runtime.resolve(UnitOfWorkFactory[UsersUnitOfWork])()
        async with uow:
            return account_left, await uow.profiles.get(user_id), await uow.addresses.list_for_user(user_id)

    account_left, profile, addresses = world.server.call(leftovers())
    assert not account_left
    assert profile is None
    assert addresses == []
