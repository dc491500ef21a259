"""The in-memory store behind the memory adapters: staged writes, rollback, deep copies, events at commit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.memory.auth import AuthTables, MemoryAuthUnitOfWork
from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.users import MemoryUsersUnitOfWork, UsersTables
from core.auth.model import Account
from core.shared.errors import Conflict
from core.shared.security import Role
from core.users.model import Address, AddressFields, Profile
from tests.support.events import RecordingEventBus

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def account(n: int = 1, email: str | None = None) -> Account:
    return Account.register(
        user_id=f"u-{n}",
        email=email or f"user{n}@example.com",
        password_hash="$argon2id$stub",
        display_name=f"User {n}",
        now=NOW,
    )


def address(n: int, user_id: str = "u-1") -> Address:
    fields = AddressFields("Alice", "Main Street 1", "Berlin", "10115", "DE")
    return Address(f"a-{n}", user_id, fields, n == 1, NOW, NOW)


@pytest.fixture
def tables() -> AuthTables:
    return AuthTables()


@pytest.fixture
def uow(tables: AuthTables, bus: RecordingEventBus) -> MemoryAuthUnitOfWork:
    return MemoryAuthUnitOfWork(tables, bus)


async def committed(tables: AuthTables, bus: RecordingEventBus, *accounts: Account) -> None:
    async with MemoryAuthUnitOfWork(tables, bus) as uow:
        for a in accounts:
            await uow.accounts.add(a)
        await uow.commit()
    bus.delivered.clear()


# --- the transaction --------------------------------------------------------------------------------------


def test_a_staged_write_is_seen_by_its_transaction_only_until_applied() -> None:
    table = MemoryTable("t")
    tx, other = MemoryTransaction(), MemoryTransaction()

    tx.put(table, "k", {"v": 1})

    assert tx.get(table, "k") == {"v": 1}
    assert other.get(table, "k") is None
    assert table.rows == {}

    tx.apply()

    assert table.rows == {"k": {"v": 1}}
    assert other.get(table, "k") == {"v": 1}


def test_a_staged_delete_hides_the_row_until_applied() -> None:
    table = MemoryTable("t")
    table.rows["k"] = {"v": 1}
    tx = MemoryTransaction()

    tx.delete(table, "k")

    assert tx.get(table, "k") is None
    assert list(tx.scan(table)) == []
    assert table.rows == {"k": {"v": 1}}
    tx.apply()
    assert table.rows == {}


def test_a_scan_overlays_staged_writes_on_committed_rows_in_key_order() -> None:
    table = MemoryTable("t")
    table.rows.update({"b": "old b", "c": "c", "d": "d"})
    tx = MemoryTransaction()

    tx.put(table, "a", "new a")
    tx.put(table, "b", "new b")
    tx.delete(table, "c")

    assert list(tx.scan(table)) == ["new a", "new b", "d"]


def test_tables_with_the_same_key_do_not_mix() -> None:
    first, second = MemoryTable("first"), MemoryTable("second")
    tx = MemoryTransaction()

    tx.put(first, "k", 1)
    tx.put(second, "k", 2)
    tx.apply()

    assert (first.rows, second.rows) == ({"k": 1}, {"k": 2})


def test_a_failing_commit_check_applies_nothing() -> None:
    table = MemoryTable("t")
    tx = MemoryTransaction()
    tx.put(table, "a", 1)
    tx.put(table, "b", 2)

    def refuse() -> None:
        raise Conflict("no")

    tx.check_at_commit(refuse)

    with pytest.raises(Conflict):
        tx.apply()
    assert table.rows == {}


def test_values_are_copied_in_and_out() -> None:
    table = MemoryTable("t")
    tx = MemoryTransaction()
    value = {"items": [1]}

    tx.put(table, "k", value)
    value["items"].append(2)  # after the put: not stored
    loaded = tx.get(table, "k")
    assert loaded == {"items": [1]}
    loaded["items"].append(3)  # a loaded copy: not stored either
    tx.apply()

    assert table.rows["k"] == {"items": [1]}
    again = MemoryTransaction().get(table, "k")
    assert again == {"items": [1]}
    assert again is not table.rows["k"]


# --- the unit of work -------------------------------------------------------------------------------------


async def test_a_commit_stores_and_publishes_the_events(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    async with uow:
        await uow.accounts.add(account(1))
        assert tables.accounts.rows == {}
        assert bus.delivered == []
        await uow.commit()

    assert set(tables.accounts.rows) == {"u-1"}
    assert [e.type for e in bus.delivered] == ["auth.UserRegistered.v1"]


async def test_leaving_without_commit_rolls_back_and_publishes_nothing(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    async with uow:
        await uow.accounts.add(account(1))

    assert tables.accounts.rows == {}
    assert bus.delivered == []
    async with uow:
        assert await uow.accounts.get("u-1") is None
        await uow.commit()  # a later commit does not resurrect the dropped writes
    assert tables.accounts.rows == {}
    assert bus.delivered == []


async def test_an_exception_rolls_back_every_write_of_the_block(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    await committed(tables, bus, account(1))

    async def change_then_fail() -> None:
        async with uow:
            loaded = await uow.accounts.get("u-1")
            assert loaded is not None
            loaded.set_roles(frozenset({Role.SELLER}), "admin", NOW)
            await uow.accounts.update(loaded)
            await uow.accounts.add(account(2))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await change_then_fail()

    assert set(tables.accounts.rows) == {"u-1"}
    assert tables.accounts.rows["u-1"].roles == frozenset({Role.CUSTOMER})
    assert bus.delivered == []


async def test_mutating_a_loaded_aggregate_without_update_changes_nothing(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    await committed(tables, bus, account(1))

    async with uow:
        loaded = await uow.accounts.get("u-1")
        assert loaded is not None
        loaded.email = "changed@example.com"
        loaded.roles = frozenset({Role.ADMIN})
        await uow.commit()

    async with uow:
        again = await uow.accounts.get("u-1")
    assert again is not None
    assert again.email == "user1@example.com"
    assert again.roles == frozenset({Role.CUSTOMER})
    assert tables.accounts.rows["u-1"].email == "user1@example.com"


async def test_two_loads_are_two_independent_copies(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    await committed(tables, bus, account(1))

    async with uow:
        first = await uow.accounts.get("u-1")
        second = await uow.accounts.get("u-1")
        by_email = await uow.accounts.get_by_email("user1@example.com")

    assert first is not None
    assert second is not None
    assert by_email is not None
    assert first is not second
    assert by_email is not first
    first.email = "x@example.com"
    assert second.email == by_email.email == "user1@example.com"


async def test_changes_after_update_but_before_commit_are_not_stored(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    await committed(tables, bus, account(1))

    async with uow:
        loaded = await uow.accounts.get("u-1")
        assert loaded is not None
        loaded.email = "updated@example.com"
        await uow.accounts.update(loaded)
        loaded.email = "too-late@example.com"
        await uow.commit()

    assert tables.accounts.rows["u-1"].email == "updated@example.com"


async def test_the_aggregate_stored_is_not_the_one_the_caller_holds(
    uow: MemoryAuthUnitOfWork, tables: AuthTables
) -> None:
    mine = account(1)

    async with uow:
        await uow.accounts.add(mine)
        await uow.commit()
    mine.email = "mutated@example.com"

    assert tables.accounts.rows["u-1"] is not mine
    assert tables.accounts.rows["u-1"].email == "user1@example.com"


async def test_stored_rows_hold_no_events_and_events_are_published_once(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    async with uow:
        await uow.accounts.add(account(1))
        await uow.commit()
        await uow.commit()  # nothing new: nothing published again

    assert tables.accounts.rows["u-1"].pull_events() == []
    assert [e.type for e in bus.delivered] == ["auth.UserRegistered.v1"]

    async with uow:
        loaded = await uow.accounts.get("u-1")
        await uow.commit()
    assert loaded is not None
    assert [e.type for e in bus.delivered] == ["auth.UserRegistered.v1"]


async def test_events_of_an_aggregate_loaded_but_not_updated_are_still_published(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    """The unit of work collects from every aggregate it handed out (AddUserAddress relies on it)."""
    await committed(tables, bus, account(1))

    async with uow:
        loaded = await uow.accounts.get("u-1")
        assert loaded is not None
        loaded.delete(NOW)
        await uow.commit()

    assert [e.type for e in bus.delivered] == ["auth.AccountDeleted.v1"]
    assert set(tables.accounts.rows) == {"u-1"}  # the event alone removes nothing


async def test_a_unit_of_work_reused_starts_each_block_afresh(
    uow: MemoryAuthUnitOfWork, tables: AuthTables, bus: RecordingEventBus
) -> None:
    async with uow:
        await uow.accounts.add(account(1))
        await uow.commit()
    async with uow:
        await uow.accounts.add(account(2))
    async with uow:
        await uow.accounts.add(account(3))
        await uow.commit()

    assert set(tables.accounts.rows) == {"u-1", "u-3"}
    assert [e.key for e in bus.delivered] == ["u-1", "u-3"]


async def test_an_email_taken_meanwhile_fails_the_later_commit(tables: AuthTables, bus: RecordingEventBus) -> None:
    first, second = MemoryAuthUnitOfWork(tables, bus), MemoryAuthUnitOfWork(tables, bus)

    async with first, second:
        await first.accounts.add(account(1, "same@example.com"))
        await second.accounts.add(account(2, "same@example.com"))  # not yet committed: no clash seen
        await first.commit()
        with pytest.raises(Conflict):
            await second.commit()

    assert set(tables.accounts.rows) == {"u-1"}
    assert [e.key for e in bus.delivered] == ["u-1"]


async def test_a_taken_email_is_refused_at_once(tables: AuthTables, bus: RecordingEventBus) -> None:
    await committed(tables, bus, account(1, "same@example.com"))

    async with MemoryAuthUnitOfWork(tables, bus) as uow:
        with pytest.raises(Conflict):
            await uow.accounts.add(account(2, "same@example.com"))


# --- the users tables -------------------------------------------------------------------------------------


async def test_users_writes_roll_back_together(bus: RecordingEventBus) -> None:
    tables = UsersTables()

    async with MemoryUsersUnitOfWork(tables, bus) as uow:
        await uow.profiles.add(Profile.create("u-1", "Alice", NOW))
        await uow.addresses.add(address(1))

    assert tables.profiles.rows == {}
    assert tables.addresses.rows == {}
    assert bus.delivered == []


async def test_a_loaded_address_is_a_copy(bus: RecordingEventBus) -> None:
    tables = UsersTables()
    async with MemoryUsersUnitOfWork(tables, bus) as uow:
        await uow.addresses.add(address(1))
        await uow.addresses.add(address(2))
        await uow.commit()

    async with MemoryUsersUnitOfWork(tables, bus) as uow:
        book = await uow.addresses.list_for_user("u-1")
        book[0].is_default = False
        book[1].is_default = True
        await uow.commit()

    assert tables.addresses.rows["a-1"].is_default
    assert not tables.addresses.rows["a-2"].is_default


async def test_a_second_profile_for_one_user_is_a_conflict(bus: RecordingEventBus) -> None:
    tables = UsersTables()
    async with MemoryUsersUnitOfWork(tables, bus) as uow:
        await uow.profiles.add(Profile.create("u-1", "Alice", NOW))
        with pytest.raises(Conflict):
            await uow.profiles.add(Profile.create("u-1", "Alice again", NOW))


async def test_remove_all_for_user_counts_and_spares_the_others(bus: RecordingEventBus) -> None:
    tables = UsersTables()
    async with MemoryUsersUnitOfWork(tables, bus) as uow:
        for n in (1, 2, 3):
            await uow.addresses.add(address(n))
        await uow.addresses.add(address(4, user_id="u-2"))
        await uow.commit()

    async with MemoryUsersUnitOfWork(tables, bus) as uow:
        removed = await uow.addresses.remove_all_for_user("u-1")
        assert await uow.addresses.list_for_user("u-1") == []
        await uow.commit()

    assert removed == 3
    assert set(tables.addresses.rows) == {"a-4"}
