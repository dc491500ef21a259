"""The AccountRepository and AuthUnitOfWork contract, honoured alike by the memory and PostgreSQL adapters."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from adapters.memory.clock import ManualClock
from core.auth.model import Account
from core.shared.errors import Conflict
from core.shared.events import EventEnvelope
from core.shared.pagination import PageRequest
from core.shared.security import Role
from ports.auth import AuthUnitOfWork

# Microseconds on purpose: stored times must come back exact.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)

UowFactory = Callable[[], AuthUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]


def user_id(n: int) -> str:
    return f"00000000-0000-7000-8000-{n:012d}"


def new_account(n: int, clock: ManualClock, email: str | None = None) -> Account:
    return Account.register(
        user_id=user_id(n),
        email=email or f"user{n}@example.com",
        password_hash=f"$argon2id$v=19$m=1024,t=1,p=1$salt{n}$hash{n}",
        display_name=f"User {n}",
        now=clock.now(),
    )


async def store(auth_uow: UowFactory, *accounts: Account) -> None:
    async with auth_uow() as uow:
        for account in accounts:
            await uow.accounts.add(account)
        await uow.commit()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def test_an_added_account_comes_back_by_id_and_by_email(auth_uow: UowFactory, clock: ManualClock) -> None:
    account = new_account(1, clock)
    clock.advance(60)
    account.set_roles(frozenset({Role.SELLER, Role.MODERATOR}), by=user_id(9), now=clock.now())
    account.logged_in("203.0.113.7", clock.now())
    await store(auth_uow, account)

    async with auth_uow() as uow:
        by_id = await uow.accounts.get(account.id)
        by_email = await uow.accounts.get_by_email("user1@example.com")

    assert by_id == account
    assert by_email == account
    assert by_id is not None
    assert by_id.roles == frozenset({Role.CUSTOMER, Role.SELLER, Role.MODERATOR})
    assert by_id.last_login_at == clock.now()
    assert by_id.created_at == START


async def test_unknown_ids_and_emails_find_nothing(auth_uow: UowFactory, clock: ManualClock) -> None:
    await store(auth_uow, new_account(1, clock))
    async with auth_uow() as uow:
        assert await uow.accounts.get(user_id(2)) is None
        assert await uow.accounts.get_by_email("nobody@example.com") is None
        assert await uow.accounts.get_by_email("USER1@example.com") is None  # emails are stored normalised


async def test_an_update_is_stored(auth_uow: UowFactory, clock: ManualClock) -> None:
    await store(auth_uow, new_account(1, clock))
    clock.advance(3600)
    async with auth_uow() as uow:
        account = await uow.accounts.get(user_id(1))
        assert account is not None
        account.change_password("$argon2id$new", clock.now())
        account.logged_in("198.51.100.1", clock.now())
        await uow.accounts.update(account)
        await uow.commit()

    async with auth_uow() as uow:
        reloaded = await uow.accounts.get(user_id(1))
    assert reloaded == account
    assert reloaded is not None
    assert reloaded.password_hash == "$argon2id$new"
    assert reloaded.password_changed_at == clock.now()


async def test_a_removed_account_is_gone(auth_uow: UowFactory, clock: ManualClock) -> None:
    await store(auth_uow, new_account(1, clock), new_account(2, clock))
    async with auth_uow() as uow:
        account = await uow.accounts.get(user_id(1))
        assert account is not None
        account.delete(clock.now())
        await uow.accounts.remove(account)
        await uow.commit()

    async with auth_uow() as uow:
        assert await uow.accounts.get(user_id(1)) is None
        assert await uow.accounts.get_by_email("user1@example.com") is None
        assert await uow.accounts.get(user_id(2)) is not None


async def test_a_taken_email_is_a_conflict_and_the_unit_of_work_stays_usable(
    auth_uow: UowFactory, clock: ManualClock
) -> None:
    await store(auth_uow, new_account(1, clock))
    async with auth_uow() as uow:
        with pytest.raises(Conflict, match=r"^an account with this email already exists$"):
            await uow.accounts.add(new_account(2, clock, email="user1@example.com"))
        await uow.accounts.add(new_account(3, clock))
        await uow.commit()

    async with auth_uow() as uow:
        first = await uow.accounts.get_by_email("user1@example.com")
        assert first is not None
        assert first.id == user_id(1)
        assert await uow.accounts.get(user_id(2)) is None
        assert await uow.accounts.get(user_id(3)) is not None


async def test_two_concurrent_registrations_of_one_email_exactly_one_wins(
    auth_uow: UowFactory, clock: ManualClock
) -> None:
    both_checked = asyncio.Barrier(2)

    async def register(n: int) -> None:
        async with auth_uow() as uow:
            # What RegisterUser does: look first (both see nothing), then add.
            assert await uow.accounts.get_by_email("shared@example.com") is None
            await both_checked.wait()
            await uow.accounts.add(new_account(n, clock, email="shared@example.com"))
            await uow.commit()

    outcomes = await asyncio.wait_for(asyncio.gather(register(1), register(2), return_exceptions=True), 10)

    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1, outcomes
    assert isinstance(failures[0], Conflict)
    assert failures[0].message == "an account with this email already exists"
    async with auth_uow() as uow:
        winner = await uow.accounts.get_by_email("shared@example.com")
        assert winner is not None
        loser = user_id(2) if winner.id == user_id(1) else user_id(1)
        assert await uow.accounts.get(loser) is None


async def test_leaving_without_commit_keeps_nothing_and_publishes_nothing(
    auth_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    async with auth_uow() as uow:
        await uow.accounts.add(new_account(1, clock))

    async def fail_midway() -> None:
        async with auth_uow() as uow:
            await uow.accounts.add(new_account(2, clock))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_midway()

    async with auth_uow() as uow:
        assert await uow.accounts.get(user_id(1)) is None
        assert await uow.accounts.get(user_id(2)) is None
        assert await uow.accounts.get_by_email("user1@example.com") is None
    assert await committed_events() == []


async def test_committed_events_are_handed_on_in_order(
    auth_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    account = new_account(1, clock)
    [registered] = account._events  # what Account.register raised
    await store(auth_uow, account)
    clock.advance(5)
    async with auth_uow() as uow:
        loaded = await uow.accounts.get(user_id(1))
        assert loaded is not None
        loaded.logged_in("203.0.113.7", clock.now())
        await uow.accounts.update(loaded)
        await uow.commit()

    events = await committed_events()

    assert [e.type for e in events] == ["auth.UserRegistered.v1", "auth.UserLoggedIn.v1"]
    first, second = events
    assert first.id == registered.event_id
    assert first.key == user_id(1)
    assert first.occurred_at == START
    assert first.payload == {"user_id": user_id(1), "email": "user1@example.com", "display_name": "User 1"}
    assert second.key == user_id(1)
    assert second.occurred_at == clock.now()
    assert second.payload == {"user_id": user_id(1), "address": "203.0.113.7"}
    assert first.id != second.id


async def test_a_unit_of_work_without_changes_hands_on_nothing(
    auth_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    await store(auth_uow, new_account(1, clock))
    before = await committed_events()
    async with auth_uow() as uow:
        await uow.accounts.get(user_id(1))
        await uow.commit()
    assert await committed_events() == before


async def test_accounts_are_listed_by_id_in_keyset_pages(auth_uow: UowFactory, clock: ManualClock) -> None:
    numbers = [5, 1, 7, 3, 2, 6, 4]  # added out of order: the listing sorts by id, not by insertion
    await store(auth_uow, *(new_account(n, clock) for n in numbers))

    pages = []
    cursor = None
    async with auth_uow() as uow:
        for _ in range(10):
            page = await uow.accounts.list(PageRequest(limit=3, cursor=cursor))
            pages.append([a.id for a in page.items])
            cursor = page.next_cursor
            if cursor is None:
                break

    assert pages == [
        [user_id(1), user_id(2), user_id(3)],
        [user_id(4), user_id(5), user_id(6)],
        [user_id(7)],
    ]


async def test_a_page_that_ends_exactly_at_the_last_account_has_no_next_cursor(
    auth_uow: UowFactory, clock: ManualClock
) -> None:
    await store(auth_uow, *(new_account(n, clock) for n in range(1, 7)))
    async with auth_uow() as uow:
        first = await uow.accounts.list(PageRequest(limit=3))
        second = await uow.accounts.list(PageRequest(limit=3, cursor=first.next_cursor))
        everything = await uow.accounts.list(PageRequest(limit=100))
    assert first.next_cursor is not None
    assert [a.id for a in second.items] == [user_id(4), user_id(5), user_id(6)]
    assert second.next_cursor is None
    assert len(everything.items) == 6
    assert everything.next_cursor is None


async def test_an_empty_table_lists_an_empty_page(auth_uow: UowFactory) -> None:
    async with auth_uow() as uow:
        page = await uow.accounts.list(PageRequest())
    assert list(page.items) == []
    assert page.next_cursor is None
