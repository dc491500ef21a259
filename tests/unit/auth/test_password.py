from __future__ import annotations

import pytest

from core.auth.commands import ChangePassword
from core.auth.events import PasswordChanged
from core.shared.errors import TooManyRequests, Unauthenticated, ValidationFailed
from core.shared.security import Principal, Role

from ..harness import AuthApp, Published

NEW_PASSWORD = "a brand new passphrase"


async def test_changing_the_password_swaps_the_credentials(auth: AuthApp, published: Published) -> None:
    principal, _ = await auth.signed_in()
    published.clear()
    auth.clock.advance(3600 * 24)

    await auth.change_password(ChangePassword(principal, auth.PASSWORD, NEW_PASSWORD))

    stored = await auth.stored(principal.user_id)
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert await auth.hasher.verify(stored.password_hash, NEW_PASSWORD)
    assert not await auth.hasher.verify(stored.password_hash, auth.PASSWORD)
    assert stored.password_changed_at == auth.clock.now()
    [event] = published.of(PasswordChanged)
    assert (event.user_id, event.occurred_at) == (principal.user_id, auth.clock.now())
    assert published.types() == ["auth.PasswordChanged.v1"]


async def test_after_the_change_only_the_new_password_logs_in(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()

    await auth.change_password(ChangePassword(principal, auth.PASSWORD, NEW_PASSWORD))

    with pytest.raises(Unauthenticated):
        await auth.open_session("alice@example.com", auth.PASSWORD)
    issued = await auth.open_session("alice@example.com", NEW_PASSWORD)
    assert issued.user_id == principal.user_id


async def test_every_other_session_is_revoked_and_the_current_one_kept(auth: AuthApp) -> None:
    await auth.sign_up("alice@example.com")
    await auth.sign_up("bob@example.com")
    current = await auth.open_session()
    others = [await auth.open_session() for _ in range(2)]
    bob = await auth.open_session("bob@example.com")
    principal = await auth.principal(current.token)

    await auth.change_password(ChangePassword(principal, auth.PASSWORD, NEW_PASSWORD))

    assert (await auth.principal(current.token)).session_id == principal.session_id
    for issued in others:
        with pytest.raises(Unauthenticated):
            await auth.principal(issued.token)
    assert len(await auth.sessions.list_for_user(principal.user_id)) == 1
    assert (await auth.principal(bob.token)).user_id == bob.user_id


async def test_a_wrong_current_password_changes_nothing(auth: AuthApp, published: Published) -> None:
    principal, token = await auth.signed_in()
    other = await auth.open_session()
    before = await auth.stored(principal.user_id)
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await auth.change_password(ChangePassword(principal, "not my password", NEW_PASSWORD))

    assert [e.field for e in raised.value.errors] == ["current_password"]
    assert await auth.stored(principal.user_id) == before
    assert (await auth.principal(token)).user_id == principal.user_id
    assert (await auth.principal(other.token)).user_id == principal.user_id
    assert published.envelopes == []


@pytest.mark.parametrize(
    "new_password",
    ["short", "password123", "QWERTY123", "alice's new password", "zzzzzzzzzz", "y" * 129],
)
async def test_the_policy_applies_to_the_new_password(auth: AuthApp, published: Published, new_password: str) -> None:
    principal, _ = await auth.signed_in("alice@example.com")
    before = await auth.stored(principal.user_id)
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await auth.change_password(ChangePassword(principal, auth.PASSWORD, new_password))

    assert {e.field for e in raised.value.errors} == {"new_password"}
    assert await auth.stored(principal.user_id) == before
    assert published.envelopes == []


async def test_the_new_password_must_differ_from_the_current_one(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()
    other = await auth.open_session()

    with pytest.raises(ValidationFailed) as raised:
        await auth.change_password(ChangePassword(principal, auth.PASSWORD, auth.PASSWORD))

    assert [e.field for e in raised.value.errors] == ["new_password"]
    assert "differ" in raised.value.message
    assert (await auth.principal(other.token)).user_id == principal.user_id


async def test_a_vanished_account_cannot_change_its_password(auth: AuthApp) -> None:
    ghost = Principal("00000000-0000-7000-8000-000000000099", frozenset({Role.CUSTOMER}), "s")

    with pytest.raises(Unauthenticated):
        await auth.change_password(ChangePassword(ghost, auth.PASSWORD, NEW_PASSWORD))


def test_passwords_stay_out_of_the_command_repr() -> None:
    command = ChangePassword(Principal("u", frozenset()), "old secret value", "new secret value")

    assert "old secret value" not in repr(command)
    assert "new secret value" not in repr(command)


async def test_wrong_current_passwords_are_throttled_like_logins(auth: AuthApp, advance) -> None:  # type: ignore[no-untyped-def]
    principal, _ = await auth.signed_in()
    for attempt in range(auth.policy.failures_per_account):
        with pytest.raises(ValidationFailed):
            await auth.change_password(ChangePassword(principal, f"a wrong guess {attempt}", NEW_PASSWORD))

    with pytest.raises(TooManyRequests) as refused:
        await auth.change_password(ChangePassword(principal, auth.PASSWORD, NEW_PASSWORD))
    assert refused.value.retry_after_seconds > 0
    stored = await auth.stored(principal.user_id)
    assert stored is not None
    assert await auth.hasher.verify(stored.password_hash, auth.PASSWORD)

    advance(auth.policy.failure_window_seconds + 1)
    await auth.change_password(ChangePassword(principal, auth.PASSWORD, NEW_PASSWORD))


async def test_an_overlong_password_is_refused_at_login_without_hashing(auth: AuthApp) -> None:
    await auth.sign_up("alice@example.com")
    calls = []
    verify = auth.hasher.verify

    async def counting(password_hash: str, password: str) -> bool:
        calls.append(password)
        return await verify(password_hash, password)

    auth.hasher.verify = counting  # type: ignore[method-assign]
    try:
        with pytest.raises(Unauthenticated):
            await auth.open_session("alice@example.com", "x" * 10_000)
    finally:
        del auth.hasher.verify
    assert calls == []
