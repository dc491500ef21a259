from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from core.auth.commands import Authenticate, DeleteAccount, EndSessions, ListSessions, Logout, LogoutEverywhere
from core.auth.model import Session, session_id_of
from core.auth.use_cases import AuthenticateSession, EndSessionsOfDeletedAccount
from core.shared.errors import Unauthenticated
from core.shared.security import Role

from ..harness import AuthApp

EXPIRED = "the session has expired or was revoked; log in again"


async def test_a_token_authenticates_as_its_account(auth: AuthApp) -> None:
    account = await auth.sign_up()
    issued = await auth.open_session()

    principal = await auth.principal(issued.token)

    assert principal.user_id == account.user_id
    assert principal.roles == frozenset({Role.CUSTOMER})
    assert principal.session_id == session_id_of(issued.token)


async def test_a_missing_token_is_refused(auth: AuthApp) -> None:
    with pytest.raises(Unauthenticated, match="bearer token is required"):
        await auth.authenticate(Authenticate(""))


async def test_an_unknown_token_is_refused(auth: AuthApp) -> None:
    await auth.sign_up()
    await auth.open_session()

    with pytest.raises(Unauthenticated) as raised:
        await auth.principal(auth.tokens.new_token())

    assert raised.value.message == EXPIRED


async def test_the_session_id_itself_is_not_a_token(auth: AuthApp) -> None:
    await auth.sign_up()
    issued = await auth.open_session()

    with pytest.raises(Unauthenticated):
        await auth.principal(session_id_of(issued.token))


async def test_a_session_lasts_until_its_ttl_and_not_a_second_longer(auth: AuthApp) -> None:
    await auth.sign_up()
    issued = await auth.open_session()

    auth.clock.advance(auth.policy.session_ttl_seconds - 1)
    assert (await auth.principal(issued.token)).user_id == issued.user_id

    auth.clock.advance(1)
    with pytest.raises(Unauthenticated) as raised:
        await auth.principal(issued.token)

    assert raised.value.message == EXPIRED
    assert await auth.sessions.get(session_id_of(issued.token)) is None


async def test_an_expired_session_is_refused_even_if_the_store_still_holds_it(auth: AuthApp) -> None:
    """The use case checks the expiry itself: a store that evicts lazily must not extend a session."""

    class LazyStore:
        def __init__(self) -> None:
            self.kept: dict[str, Session] = {}

        async def get(self, session_id: str) -> Session | None:
            return self.kept.get(session_id)

    account = await auth.sign_up()
    now = auth.clock.now()
    store = LazyStore()
    store.kept[session_id_of("tok")] = Session(session_id_of("tok"), account.user_id, now, now)
    authenticate = AuthenticateSession(auth.uow, store, auth.clock)  # type: ignore[arg-type]

    with pytest.raises(Unauthenticated):
        await authenticate(Authenticate("tok"))


async def test_logging_out_revokes_only_that_session(auth: AuthApp) -> None:
    await auth.sign_up()
    phone, laptop = await auth.open_session(), await auth.open_session()
    principal = await auth.principal(phone.token)

    await auth.log_out(Logout(principal))

    with pytest.raises(Unauthenticated):
        await auth.principal(phone.token)
    assert (await auth.principal(laptop.token)).user_id == laptop.user_id


async def test_logging_out_twice_is_harmless(auth: AuthApp) -> None:
    await auth.sign_up()
    issued = await auth.open_session()
    principal = await auth.principal(issued.token)

    await auth.log_out(Logout(principal))
    await auth.log_out(Logout(principal))

    assert await auth.sessions.list_for_user(issued.user_id) == []


async def test_logging_out_everywhere_revokes_every_session_of_the_user(auth: AuthApp) -> None:
    alice = await auth.sign_up("alice@example.com")
    await auth.sign_up("bob@example.com")
    tokens = [(await auth.open_session("alice@example.com")).token for _ in range(3)]
    bob = await auth.open_session("bob@example.com")
    principal = await auth.principal(tokens[0])

    revoked = await auth.log_out_everywhere(LogoutEverywhere(principal))

    assert revoked == 3
    for token in tokens:
        with pytest.raises(Unauthenticated):
            await auth.principal(token)
    assert await auth.sessions.list_for_user(alice.user_id) == []
    assert (await auth.principal(bob.token)).user_id == bob.user_id


async def test_logging_out_everywhere_counts_the_live_sessions_it_revoked(auth: AuthApp) -> None:
    await auth.sign_up()
    stale = await auth.open_session()
    auth.clock.advance(auth.policy.session_ttl_seconds // 2)
    live = await auth.open_session()
    auth.clock.advance(auth.policy.session_ttl_seconds // 2)  # the first session has expired by now
    with pytest.raises(Unauthenticated):
        await auth.principal(stale.token)
    principal = await auth.principal(live.token)

    revoked = await auth.log_out_everywhere(LogoutEverywhere(principal))

    assert revoked == 1


async def test_an_expired_session_nobody_looked_up_is_not_counted_as_revoked(auth: AuthApp) -> None:
    """The port keeps a session until its expiry "and no longer": an expired one cannot be revoked."""
    await auth.sign_up()
    await auth.open_session()
    auth.clock.advance(auth.policy.session_ttl_seconds // 2)
    live = await auth.open_session()
    principal = await auth.principal(live.token)
    auth.clock.advance(auth.policy.session_ttl_seconds // 2)  # the first session expires, unseen

    revoked = await auth.log_out_everywhere(LogoutEverywhere(principal))

    assert revoked == 1


async def test_the_sessions_of_a_deleted_account_are_refused(auth: AuthApp) -> None:
    await auth.sign_up()
    current, other = await auth.open_session(), await auth.open_session()
    principal = await auth.principal(current.token)

    await auth.delete_account(DeleteAccount(principal, auth.PASSWORD))

    for token in (current.token, other.token):
        with pytest.raises(Unauthenticated):
            await auth.principal(token)


async def test_the_sessions_of_a_deleted_account_end_when_its_deletion_is_heard(auth: AuthApp) -> None:
    """A session carries its principal, so a request reads no account: an account that goes takes its
    sessions with it (DeleteMyAccount, and again on AccountDeleted should that revocation be cut short)."""
    account = await auth.sign_up()
    issued = await auth.open_session()
    del auth.tables.accounts.rows[account.user_id]  # gone, its sessions not revoked yet

    await EndSessionsOfDeletedAccount(auth.sessions)(EndSessions(account.user_id))

    with pytest.raises(Unauthenticated) as raised:
        await auth.principal(issued.token)
    assert raised.value.message == EXPIRED
    assert await auth.sessions.get(session_id_of(issued.token)) is None


async def test_a_session_stored_without_roles_whose_account_vanished_is_refused_and_dropped(auth: AuthApp) -> None:
    """Sessions stored before sessions carried roles are judged by their account, as they always were."""
    account = await auth.sign_up()
    issued = await auth.open_session()
    stored = await auth.sessions.get(session_id_of(issued.token))
    assert stored is not None
    await auth.sessions.add(attrs.evolve(stored, roles=None))
    assert (await auth.principal(issued.token)).roles == frozenset({Role.CUSTOMER})
    del auth.tables.accounts.rows[account.user_id]  # gone behind the session store's back

    with pytest.raises(Unauthenticated) as raised:
        await auth.principal(issued.token)

    assert raised.value.message == EXPIRED
    assert await auth.sessions.get(session_id_of(issued.token)) is None


async def test_a_session_carries_the_roles_the_account_has_now(auth: AuthApp) -> None:
    account = await auth.sign_up()
    issued = await auth.open_session()

    await auth.grant(account.user_id, Role.SELLER)

    principal = await auth.principal(issued.token)
    assert principal.roles == frozenset({Role.CUSTOMER, Role.SELLER})


async def test_a_role_change_during_a_login_reaches_the_new_session(auth: AuthApp) -> None:
    """The role change commits after the login read the account, and rewrites the user's sessions before
    the new one is stored: the login, reading the roles once more, gives its session the new ones."""
    account = await auth.sign_up()
    store = auth.sessions
    add = store.add

    async def add_after_a_role_change(session: Session) -> None:
        store.add = add  # type: ignore[method-assign]
        await auth.grant(account.user_id, Role.SELLER)
        await add(session)

    store.add = add_after_a_role_change  # type: ignore[method-assign]
    issued = await auth.open_session()

    assert (await auth.principal(issued.token)).roles == frozenset({Role.CUSTOMER, Role.SELLER})


async def test_a_withdrawn_role_leaves_every_session_at_once(auth: AuthApp) -> None:
    account = await auth.sign_up()
    await auth.grant(account.user_id, Role.SELLER)
    phone, laptop = await auth.open_session(), await auth.open_session()

    await auth.grant(account.user_id)

    for issued in (phone, laptop):
        assert (await auth.principal(issued.token)).roles == frozenset({Role.CUSTOMER})


async def test_my_sessions_newest_first_marking_the_current_one(auth: AuthApp) -> None:
    await auth.sign_up("alice@example.com")
    await auth.sign_up("bob@example.com")
    await auth.open_session("bob@example.com")
    first = await auth.open_session(address="198.51.100.1", user_agent="phone")
    auth.clock.advance(60)
    second = await auth.open_session(address="198.51.100.2", user_agent="laptop")
    principal = await auth.principal(first.token)

    views = await auth.list_sessions(ListSessions(principal))

    assert [(v.address, v.user_agent, v.current) for v in views] == [
        ("198.51.100.2", "laptop", False),
        ("198.51.100.1", "phone", True),
    ]
    assert views[0].expires_at == second.expires_at
    assert views[1].created_at == first.expires_at - timedelta(seconds=auth.policy.session_ttl_seconds)
    assert views[1].session_id == principal.session_id[:16]
    assert all(len(v.session_id) == 16 for v in views)


async def test_my_sessions_leave_out_the_expired_ones(auth: AuthApp) -> None:
    await auth.sign_up()
    await auth.open_session()
    auth.clock.advance(auth.policy.session_ttl_seconds - 10)
    current = await auth.open_session()
    auth.clock.advance(10)

    views = await auth.list_sessions(ListSessions(await auth.principal(current.token)))

    assert [v.current for v in views] == [True]
