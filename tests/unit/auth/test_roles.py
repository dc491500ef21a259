"""Roles and the admin's view of accounts: SetUserRoles, GetAccountInfo, ListAllAccounts."""

from __future__ import annotations

import attrs
import pytest

from core.auth.commands import AccountView, GetAccount, ListAccounts, SetRoles
from core.auth.events import RolesChanged
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.shared.pagination import PageRequest, encode_cursor
from core.shared.security import Principal, Role

from ..harness import AuthApp, Published


async def admin(auth: AuthApp, email: str = "admin@example.com") -> Principal:
    principal, token = await auth.signed_in(email, display_name="Admin")
    await auth.grant(principal.user_id, Role.ADMIN)
    return await auth.principal(token)


# --- SetUserRoles -----------------------------------------------------------------------------------------


async def test_an_admin_sets_a_users_roles(auth: AuthApp, published: Published) -> None:
    root = await admin(auth)
    bob = await auth.sign_up("bob@example.com")
    published.clear()
    auth.clock.advance(5)

    view = await auth.set_roles(SetRoles(root, bob.user_id, frozenset({Role.SELLER, Role.MODERATOR})))

    assert view.roles == [Role.CUSTOMER, Role.MODERATOR, Role.SELLER]
    stored = await auth.stored(bob.user_id)
    assert stored is not None
    assert stored.roles == frozenset({Role.CUSTOMER, Role.SELLER, Role.MODERATOR})
    [event] = published.of(RolesChanged)
    assert event.user_id == bob.user_id
    assert event.roles == ["customer", "moderator", "seller"]
    assert event.by == root.user_id
    assert event.occurred_at == auth.clock.now()


@pytest.mark.parametrize(
    "roles",
    [
        frozenset({Role.CUSTOMER}),
        frozenset({Role.CUSTOMER, Role.SELLER}),
        frozenset({Role.SELLER, Role.CARRIER, Role.MODERATOR}),
    ],
)
async def test_only_an_admin_may_set_roles(auth: AuthApp, published: Published, roles: frozenset[Role]) -> None:
    bob = await auth.sign_up("bob@example.com")
    mallory = Principal("mallory", roles, "s")
    published.clear()

    with pytest.raises(PermissionDenied):
        await auth.set_roles(SetRoles(mallory, bob.user_id, frozenset({Role.ADMIN})))

    stored = await auth.stored(bob.user_id)
    assert stored is not None
    assert stored.roles == frozenset({Role.CUSTOMER})
    assert published.envelopes == []


async def test_a_user_cannot_make_themselves_admin(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()

    with pytest.raises(PermissionDenied):
        await auth.set_roles(SetRoles(principal, principal.user_id, frozenset({Role.ADMIN})))


@pytest.mark.parametrize("roles", [frozenset(), frozenset({Role.SELLER})])
async def test_the_customer_role_is_always_kept(auth: AuthApp, roles: frozenset[Role]) -> None:
    root = await admin(auth)
    bob = await auth.sign_up("bob@example.com")
    await auth.set_roles(SetRoles(root, bob.user_id, frozenset({Role.SELLER, Role.CARRIER})))

    view = await auth.set_roles(SetRoles(root, bob.user_id, roles))

    assert Role.CUSTOMER in view.roles
    assert set(view.roles) == set(roles) | {Role.CUSTOMER}


async def test_an_admin_cannot_drop_their_own_admin_role(auth: AuthApp, published: Published) -> None:
    root = await admin(auth)
    published.clear()

    with pytest.raises(Conflict):
        await auth.set_roles(SetRoles(root, root.user_id, frozenset({Role.SELLER})))

    stored = await auth.stored(root.user_id)
    assert stored is not None
    assert stored.roles == frozenset({Role.CUSTOMER, Role.ADMIN})
    assert published.envelopes == []


async def test_an_admin_may_add_roles_to_themselves_keeping_admin(auth: AuthApp) -> None:
    root = await admin(auth)

    view = await auth.set_roles(SetRoles(root, root.user_id, frozenset({Role.ADMIN, Role.SELLER})))

    assert view.roles == [Role.ADMIN, Role.CUSTOMER, Role.SELLER]


async def test_an_admin_may_demote_another_admin(auth: AuthApp) -> None:
    root = await admin(auth, "root@example.com")
    other = await admin(auth, "other@example.com")

    view = await auth.set_roles(SetRoles(root, other.user_id, frozenset()))

    assert view.roles == [Role.CUSTOMER]


@pytest.mark.parametrize("roles", [frozenset({Role.SELLER}), frozenset({Role.SELLER, Role.CUSTOMER})])
async def test_setting_the_roles_a_user_already_has_publishes_nothing(
    auth: AuthApp, published: Published, roles: frozenset[Role]
) -> None:
    root = await admin(auth)
    bob = await auth.sign_up("bob@example.com")
    await auth.set_roles(SetRoles(root, bob.user_id, frozenset({Role.SELLER})))
    published.clear()

    view = await auth.set_roles(SetRoles(root, bob.user_id, roles))

    assert view.roles == [Role.CUSTOMER, Role.SELLER]
    assert published.envelopes == []


async def test_roles_of_an_unknown_user_are_not_found(auth: AuthApp) -> None:
    root = await admin(auth)

    with pytest.raises(NotFound):
        await auth.set_roles(SetRoles(root, "00000000-0000-7000-8000-000000000099", frozenset({Role.SELLER})))


# --- GetAccountInfo ---------------------------------------------------------------------------------------


async def test_a_user_sees_their_own_account(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()

    view = await auth.get_account(GetAccount(principal))

    assert view.user_id == principal.user_id
    assert view.email == "alice@example.com"
    assert view.roles == [Role.CUSTOMER]
    assert view.created_at == auth.clock.now()
    assert view.last_login_at == auth.clock.now()
    assert await auth.get_account(GetAccount(principal, principal.user_id)) == view


async def test_a_user_cannot_see_another_account(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()
    bob = await auth.sign_up("bob@example.com")

    with pytest.raises(PermissionDenied):
        await auth.get_account(GetAccount(principal, bob.user_id))
    with pytest.raises(PermissionDenied):
        await auth.get_account(GetAccount(principal, "00000000-0000-7000-8000-000000000099"))


async def test_an_admin_sees_any_account(auth: AuthApp) -> None:
    root = await admin(auth)
    bob = await auth.sign_up("bob@example.com")

    view = await auth.get_account(GetAccount(root, bob.user_id))

    assert (view.user_id, view.email, view.last_login_at) == (bob.user_id, "bob@example.com", None)


async def test_an_admin_finds_an_account_by_email(auth: AuthApp) -> None:
    root = await admin(auth)
    bob = await auth.sign_up("bob@example.com")

    view = await auth.get_account(GetAccount(root, email=" Bob@Example.com "))

    assert view.user_id == bob.user_id


async def test_only_an_admin_looks_accounts_up_by_email(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()
    await auth.sign_up("bob@example.com")

    with pytest.raises(PermissionDenied):
        await auth.get_account(GetAccount(principal, email="bob@example.com"))


async def test_an_unknown_account_is_not_found(auth: AuthApp) -> None:
    root = await admin(auth)

    with pytest.raises(NotFound):
        await auth.get_account(GetAccount(root, "00000000-0000-7000-8000-000000000099"))
    with pytest.raises(NotFound):
        await auth.get_account(GetAccount(root, email="nobody@example.com"))


async def test_the_account_view_never_exposes_the_hash(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()
    stored = await auth.stored(principal.user_id)
    assert stored is not None

    view = await auth.get_account(GetAccount(principal))

    assert set(attrs.fields_dict(AccountView)) == {"user_id", "email", "roles", "created_at", "last_login_at"}
    assert not any("hash" in name or "password" in name for name in attrs.fields_dict(AccountView))
    assert stored.password_hash not in repr(view)
    assert stored.password_hash not in str(attrs.asdict(view))


# --- ListAllAccounts --------------------------------------------------------------------------------------


async def test_only_an_admin_lists_accounts(auth: AuthApp) -> None:
    principal, _ = await auth.signed_in()

    with pytest.raises(PermissionDenied):
        await auth.list_accounts(ListAccounts(principal))


async def test_accounts_come_in_keyset_pages_in_creation_order(auth: AuthApp) -> None:
    root = await admin(auth)
    for n in range(6):
        await auth.sign_up(f"user{n}@example.com")

    emails: list[str] = []
    pages = 0
    request = PageRequest(limit=3)
    while True:
        page = await auth.list_accounts(ListAccounts(root, request))
        pages += 1
        assert len(page.items) <= 3
        emails.extend(v.email for v in page.items)
        if page.next_cursor is None:
            break
        request = PageRequest(limit=3, cursor=page.next_cursor)

    assert emails == ["admin@example.com"] + [f"user{n}@example.com" for n in range(6)]
    assert pages == 3


async def test_a_page_never_repeats_or_skips_while_accounts_are_added(auth: AuthApp) -> None:
    root = await admin(auth)
    for n in range(3):
        await auth.sign_up(f"user{n}@example.com")

    first = await auth.list_accounts(ListAccounts(root, PageRequest(limit=2)))
    await auth.sign_up("late@example.com")
    assert first.next_cursor is not None
    second = await auth.list_accounts(ListAccounts(root, PageRequest(limit=10, cursor=first.next_cursor)))

    assert [v.email for v in first.items] == ["admin@example.com", "user0@example.com"]
    assert [v.email for v in second.items] == ["user1@example.com", "user2@example.com", "late@example.com"]
    assert second.next_cursor is None


async def test_an_exact_last_page_has_no_cursor(auth: AuthApp) -> None:
    root = await admin(auth)
    await auth.sign_up("bob@example.com")

    page = await auth.list_accounts(ListAccounts(root, PageRequest(limit=2)))

    assert len(page.items) == 2
    assert page.next_cursor is None


@pytest.mark.parametrize(
    "cursor",
    ["garbage!", encode_cursor([]), encode_cursor([42])],
)
async def test_a_forged_cursor_is_refused_naming_cursor(auth: AuthApp, cursor: str) -> None:
    root = await admin(auth)
    await auth.sign_up("bob@example.com")

    with pytest.raises(ValidationFailed) as raised:
        await auth.list_accounts(ListAccounts(root, PageRequest(limit=1, cursor=cursor)))

    assert [e.field for e in raised.value.errors] == ["cursor"]
