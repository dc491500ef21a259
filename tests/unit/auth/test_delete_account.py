from __future__ import annotations

import pytest

from core.auth.commands import DeleteAccount, GetAccount, SetRoles
from core.auth.events import AccountDeleted
from core.shared.errors import NotFound, PermissionDenied, Unauthenticated, ValidationFailed
from core.shared.security import Principal, Role

from ..harness import ROOT, AuthApp, Published


async def test_deleting_my_account_removes_it_with_its_sessions(auth: AuthApp, published: Published) -> None:
    principal, token = await auth.signed_in()
    other = await auth.open_session()
    published.clear()
    auth.clock.advance(30)

    await auth.delete_account(DeleteAccount(principal, auth.PASSWORD))

    assert await auth.stored(principal.user_id) is None
    assert auth.tables.accounts.rows == {}
    assert await auth.sessions.list_for_user(principal.user_id) == []
    for t in (token, other.token):
        with pytest.raises(Unauthenticated):
            await auth.principal(t)
    with pytest.raises(NotFound):
        await auth.get_account(GetAccount(ROOT, principal.user_id))
    [event] = published.of(AccountDeleted)
    assert (event.user_id, event.occurred_at) == (principal.user_id, auth.clock.now())
    assert published.types() == ["auth.AccountDeleted.v1"]


async def test_a_deleted_account_no_longer_logs_in(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()

    await auth.delete_account(DeleteAccount(principal, auth.PASSWORD))

    with pytest.raises(Unauthenticated, match="the email or the password is wrong"):
        await auth.open_session()


async def test_the_email_of_a_deleted_account_is_free_again(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()
    await auth.delete_account(DeleteAccount(principal, auth.PASSWORD))

    again = await auth.sign_up("alice@example.com", "another fine passphrase")

    assert again.user_id != principal.user_id
    assert (await auth.open_session("alice@example.com", "another fine passphrase")).user_id == again.user_id


async def test_a_wrong_password_deletes_nothing(auth: AuthApp, published: Published) -> None:
    principal, token = await auth.signed_in()
    before = await auth.stored(principal.user_id)
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await auth.delete_account(DeleteAccount(principal, "not my password"))

    assert [e.field for e in raised.value.errors] == ["password"]
    assert await auth.stored(principal.user_id) == before
    assert (await auth.principal(token)).user_id == principal.user_id
    assert published.envelopes == []


async def test_an_admin_must_drop_the_role_before_deleting(auth: AuthApp, published: Published) -> None:
    principal, token = await auth.signed_in()
    await auth.grant(principal.user_id, Role.ADMIN)
    admin = await auth.principal(token)
    published.clear()

    with pytest.raises(PermissionDenied):
        await auth.delete_account(DeleteAccount(admin, auth.PASSWORD))

    assert await auth.stored(principal.user_id) is not None
    assert (await auth.principal(token)).user_id == principal.user_id
    assert published.envelopes == []

    # Another admin takes the role away; then the account can go.
    await auth.set_roles(SetRoles(ROOT, principal.user_id, frozenset()))
    await auth.delete_account(DeleteAccount(await auth.principal(token), auth.PASSWORD))
    assert await auth.stored(principal.user_id) is None


async def test_deleting_leaves_other_accounts_and_their_sessions(auth: AuthApp) -> None:
    alice, _ = await auth.signed_in("alice@example.com")
    bob, bob_token = await auth.signed_in("bob@example.com")

    await auth.delete_account(DeleteAccount(alice, auth.PASSWORD))

    assert await auth.stored(bob.user_id) is not None
    assert (await auth.principal(bob_token)).user_id == bob.user_id


async def test_an_account_already_gone_is_not_found(auth: AuthApp) -> None:
    ghost = Principal("00000000-0000-7000-8000-000000000099", frozenset({Role.CUSTOMER}), "s")

    with pytest.raises(NotFound):
        await auth.delete_account(DeleteAccount(ghost, auth.PASSWORD))


async def test_deleting_twice_fails_the_second_time(auth: AuthApp, published: Published) -> None:
    principal, _ = await auth.signed_in()
    await auth.delete_account(DeleteAccount(principal, auth.PASSWORD))
    published.clear()

    with pytest.raises(NotFound):
        await auth.delete_account(DeleteAccount(principal, auth.PASSWORD))

    assert published.envelopes == []
