from __future__ import annotations

import pytest

from core.auth.commands import Register
from core.auth.events import UserRegistered
from core.auth.model import PASSWORD_MAX, PASSWORD_MIN
from core.shared.errors import Conflict, ValidationFailed
from core.shared.security import Role

from ..harness import AuthApp, Published


def fields_of(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


async def test_registration_creates_a_customer_account(auth: AuthApp) -> None:
    view = await auth.sign_up("alice@example.com", auth.PASSWORD, "Alice")

    assert view.user_id == "00000000-0000-7000-8000-000000000001"
    assert view.email == "alice@example.com"
    assert view.roles == [Role.CUSTOMER]
    assert view.created_at == auth.clock.now()
    assert view.last_login_at is None

    stored = await auth.stored(view.user_id)
    assert stored is not None
    assert stored.email == "alice@example.com"
    assert stored.roles == frozenset({Role.CUSTOMER})
    assert stored.created_at == stored.password_changed_at == auth.clock.now()


async def test_each_account_gets_the_next_id(auth: AuthApp) -> None:
    first = await auth.sign_up("alice@example.com")
    second = await auth.sign_up("bob@example.com")

    assert first.user_id.endswith("000000000001")
    assert second.user_id.endswith("000000000002")


@pytest.mark.parametrize(
    "raw",
    ["Alice@Example.COM", "  alice@example.com  ", "\tALICE@EXAMPLE.COM\n", "alice@EXAMPLE.com "],
)
async def test_the_email_is_normalised(auth: AuthApp, raw: str) -> None:
    view = await auth.sign_up(raw)

    assert view.email == "alice@example.com"
    stored = await auth.stored(view.user_id)
    assert stored is not None
    assert stored.email == "alice@example.com"


@pytest.mark.parametrize("again", ["alice@example.com", "ALICE@example.com", "  Alice@Example.Com "])
async def test_an_email_is_unique_whatever_its_case_or_spaces(auth: AuthApp, published: Published, again: str) -> None:
    await auth.sign_up("alice@example.com", display_name="Alice")
    published.clear()

    with pytest.raises(Conflict, match="already exists"):
        await auth.sign_up(again, "another long secret", "Impostor")

    assert auth.tables.accounts.rows.keys() == {"00000000-0000-7000-8000-000000000001"}
    assert published.envelopes == []


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "alice",
        "alice@",
        "@example.com",
        "alice@example",
        "alice@@example.com",
        "al ice@example.com",
        "alice@exa mple.com",
        "alice@example..com",
        "alice@.example.com",
        "a" * 65 + "@example.com",
        "alice@" + "x" * 250 + ".com",
    ],
)
async def test_an_invalid_email_is_refused_naming_email(auth: AuthApp, published: Published, email: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await auth.sign_up(email)

    assert fields_of(raised.value) == {"email"}
    assert auth.tables.accounts.rows == {}
    assert published.envelopes == []


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", f"at least {PASSWORD_MIN}"),
        ("x" * 9 + "!", "repeated"),
        ("a" * (PASSWORD_MAX + 1), f"at most {PASSWORD_MAX}"),
        ("password123", "too common"),
        ("Password123", "too common"),
        ("QWERTYUIOP", "too common"),
        ("1234567890", "too common"),
        ("aaaaaaaaaa", "too common"),
        ("alice-rocks-2026", "email address"),
        ("my name is ALICE!", "email address"),
    ],
)
async def test_a_weak_password_is_refused_naming_password(auth: AuthApp, password: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await auth.sign_up("alice@example.com", password)

    assert fields_of(raised.value) == {"password"}
    assert reason in raised.value.message
    assert auth.tables.accounts.rows == {}


async def test_a_short_local_part_does_not_forbid_passwords_containing_it(auth: AuthApp) -> None:
    # "al" is in a great many passwords; only a local part of four or more characters is looked for.
    view = await auth.sign_up("al@example.com", "totally legal password")

    assert view.email == "al@example.com"


async def test_a_password_may_be_exactly_the_minimum_and_maximum_length(auth: AuthApp) -> None:
    await auth.sign_up("min@example.com", "abcdefgh1!"[:PASSWORD_MIN])
    await auth.sign_up("max@example.com", ("abcd1234" * 20)[:PASSWORD_MAX])

    assert len(auth.tables.accounts.rows) == 2


async def test_every_bad_field_is_reported_at_once(auth: AuthApp, published: Published) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await auth.register(Register(email="not-an-email", password="short", display_name="   "))

    assert fields_of(raised.value) == {"email", "display_name", "password"}
    assert auth.tables.accounts.rows == {}
    assert published.envelopes == []


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("", "must not be empty"),
        (" \t\n ", "must not be empty"),
        ("x" * 81, "at most 80"),
        ("Alice\x00Bob", "control characters"),
        ("Alice\x07", "control characters"),
    ],
)
async def test_a_bad_display_name_is_refused_naming_display_name(
    auth: AuthApp, display_name: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await auth.sign_up(display_name=display_name)

    assert fields_of(raised.value) == {"display_name"}
    assert message in raised.value.message


async def test_the_password_is_stored_hashed_with_argon2id_never_in_plain_text(auth: AuthApp) -> None:
    view = await auth.sign_up("alice@example.com", auth.PASSWORD)

    stored = await auth.stored(view.user_id)
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert auth.PASSWORD not in stored.password_hash
    assert await auth.hasher.verify(stored.password_hash, auth.PASSWORD)
    assert not await auth.hasher.verify(stored.password_hash, auth.PASSWORD + "!")
    assert auth.PASSWORD not in repr(stored)
    assert not hasattr(view, "password_hash")


async def test_two_accounts_with_the_same_password_get_different_hashes(auth: AuthApp) -> None:
    first = await auth.sign_up("alice@example.com", auth.PASSWORD)
    second = await auth.sign_up("bob@example.com", auth.PASSWORD)

    a, b = await auth.stored(first.user_id), await auth.stored(second.user_id)
    assert a is not None
    assert b is not None
    assert a.password_hash != b.password_hash  # salted


async def test_user_registered_is_published_with_the_display_name(auth: AuthApp, published: Published) -> None:
    view = await auth.sign_up(" Alice@Example.com ", display_name="  Alice   Liddell ")

    assert published.types() == ["auth.UserRegistered.v1"]
    [event] = published.of(UserRegistered)
    assert event.user_id == view.user_id
    assert event.email == "alice@example.com"
    assert event.display_name == "Alice Liddell"
    assert event.occurred_at == auth.clock.now()
    [envelope] = published.envelopes
    assert envelope.key == view.user_id
    assert auth.PASSWORD not in str(envelope.to_dict())


def test_the_password_is_not_in_the_command_repr() -> None:
    assert "s3cret-passphrase" not in repr(Register("alice@example.com", "s3cret-passphrase", "Alice"))
