"""The SellerRepository, ListingRepository and SellersUnitOfWork contract, memory and PostgreSQL alike.

The sellers database is its own (schema ``sellers``), so this suite has its own scratch database rather
than the auth and users one of conftest.py; otherwise it works the same way: every test runs once per
adapter and sees only the ports, plus ``committed_events()`` (the bus for memory, the outbox for PostgreSQL).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.sellers import MemorySellersUnitOfWork, SellersTables
from adapters.postgres.sellers.repository import PostgresSellersUnitOfWork
from core.sellers.model import Application, Seller, SellerStatus
from core.shared.errors import Conflict, ValidationFailed
from core.shared.events import EventEnvelope
from core.shared.pagination import PageRequest, encode_cursor
from ports.sellers import SellersUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

# Microseconds on purpose: stored times (and the cursors made of them) must come back exact.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)

UowFactory = Callable[[], SellersUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]


class MemorySellers:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = SellersTables()

    def uow(self) -> SellersUnitOfWork:
        return MemorySellersUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresSellers:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def uow(self) -> SellersUnitOfWork:
        return PostgresSellersUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="session")
async def sellers_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("sellers_contract", contexts=["sellers"]) as pool:
        yield pool


@pytest.fixture(scope="session")
async def sellers_truncate(sellers_pool: asyncpg.Pool) -> str:
    return await truncate_statement(sellers_pool)


@pytest.fixture
async def clean_sellers_pool(sellers_pool: asyncpg.Pool, sellers_truncate: str) -> asyncpg.Pool:
    await sellers_pool.execute(sellers_truncate)
    return sellers_pool


@pytest.fixture(params=ADAPTERS)
def sellers_backend(request: pytest.FixtureRequest) -> MemorySellers | PostgresSellers:
    if request.param == "memory":
        return MemorySellers()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresSellers(request.getfixturevalue("clean_sellers_pool"))


@pytest.fixture
def sellers_uow(sellers_backend: MemorySellers | PostgresSellers) -> UowFactory:
    """A factory: a new unit of work per call, as the container hands them out."""
    return sellers_backend.uow


@pytest.fixture
def committed_events(sellers_backend: MemorySellers | PostgresSellers) -> CommittedEvents:
    return sellers_backend.committed_events


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def seller_id(n: int) -> str:
    return f"00000000-0000-7000-8000-{n:012d}"


def new_seller(n: int | str, clock: ManualClock, display_name: str = "Ann's Lamps") -> Seller:
    application = Application(
        legal_name=f"Seller {n} GmbH", display_name=display_name, country="DE", payout_reference=f"acct_{n}"
    )
    return Seller.apply(seller_id(n) if isinstance(n, int) else n, application, clock.now())


async def store(sellers_uow: UowFactory, *sellers: Seller) -> None:
    async with sellers_uow() as uow:
        for seller in sellers:
            await uow.sellers.add(seller)
        await uow.commit()


async def load(sellers_uow: UowFactory, id_: str) -> Seller | None:
    async with sellers_uow() as uow:
        return await uow.sellers.get(id_)


# Seller accounts


async def test_a_seller_comes_back_with_every_field(sellers_uow: UowFactory, clock: ManualClock) -> None:
    seller = new_seller(1, clock)
    await store(sellers_uow, seller)
    clock.advance(60)
    async with sellers_uow() as uow:
        loaded = await uow.sellers.get(seller_id(1))
        assert loaded is not None
        loaded.verify("admin-1", clock.now())
        clock.advance(0.000001)
        loaded.edit_storefront(
            display_name="Ann's Lamp Shop",
            description="Lamps.\n\nFrom Leipzig: ü, 灯.",
            logo_url="https://cdn.example.com/logo.png",
            clear_logo=False,
            now=clock.now(),
        )
        clock.advance(3600)
        loaded.suspend("counterfeit goods", "admin-2", clock.now())
        await uow.sellers.update(loaded)
        await uow.commit()

    stored = await load(sellers_uow, seller_id(1))

    assert stored == loaded
    assert stored is not None
    assert stored.payout_reference == "acct_1"
    assert (stored.status, stored.reason, stored.decided_by) == (SellerStatus.SUSPENDED, "counterfeit goods", "admin-2")
    assert stored.applied_at == START
    assert stored.verified_at == START + timedelta(seconds=60)
    assert stored.updated_at == stored.decided_at == clock.now()
    assert stored.version == 1


async def test_a_new_application_comes_back_as_it_was_made(sellers_uow: UowFactory, clock: ManualClock) -> None:
    seller = new_seller(2, clock)
    await store(sellers_uow, seller)

    stored = await load(sellers_uow, seller_id(2))

    assert stored == seller
    assert stored is not None
    assert (stored.description, stored.logo_url, stored.reason, stored.decided_at, stored.verified_at) == (
        "",
        None,
        None,
        None,
        None,
    )
    assert stored.version == 0


async def test_an_unknown_seller_is_none(sellers_uow: UowFactory) -> None:
    assert await load(sellers_uow, seller_id(9)) is None


async def test_a_second_account_for_a_user_is_a_conflict(sellers_uow: UowFactory, clock: ManualClock) -> None:
    await store(sellers_uow, new_seller(1, clock))
    async with sellers_uow() as uow:
        with pytest.raises(Conflict, match=r"^this user already has a seller account$"):
            await uow.sellers.add(new_seller(1, clock, display_name="Another"))
        # The unit of work is still usable after the conflict.
        await uow.sellers.add(new_seller(2, clock))
        await uow.commit()
    first = await load(sellers_uow, seller_id(1))
    assert first is not None
    assert first.display_name == "Ann's Lamps"
    assert await load(sellers_uow, seller_id(2)) is not None


async def test_two_concurrent_applications_of_one_user_exactly_one_wins(
    sellers_uow: UowFactory, clock: ManualClock
) -> None:
    both_checked = asyncio.Barrier(2)

    async def apply(name: str) -> None:
        async with sellers_uow() as uow:
            # What ApplyAsSeller does: look first (both see nothing), then add.
            assert await uow.sellers.get(seller_id(1)) is None
            await both_checked.wait()
            await uow.sellers.add(new_seller(1, clock, display_name=name))
            await uow.commit()

    outcomes = await asyncio.wait_for(asyncio.gather(apply("First"), apply("Second"), return_exceptions=True), 10)

    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1, outcomes
    assert isinstance(failures[0], Conflict)
    winner = await load(sellers_uow, seller_id(1))
    assert winner is not None
    assert winner.display_name == ("Second" if outcomes[0] is not None else "First")


async def test_an_update_on_a_stale_read_is_a_conflict(
    sellers_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    await store(sellers_uow, new_seller(1, clock))
    async with sellers_uow() as first, sellers_uow() as second:
        mine = await first.sellers.get(seller_id(1))
        theirs = await second.sellers.get(seller_id(1))
        assert mine is not None
        assert theirs is not None
        mine.verify("admin-1", clock.now())
        await first.sellers.update(mine)
        await first.commit()
        theirs.reject("no", "admin-2", clock.now())
        with pytest.raises(Conflict, match=r"changed meanwhile"):
            await second.sellers.update(theirs)

    stored = await load(sellers_uow, seller_id(1))
    assert stored is not None
    assert (stored.status, stored.version) == (SellerStatus.VERIFIED, 1)
    assert [e.type for e in await committed_events()] == ["sellers.SellerApplied.v1", "sellers.SellerVerified.v1"]


async def test_two_concurrent_decisions_exactly_one_wins(
    sellers_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    await store(sellers_uow, new_seller(1, clock))
    both_read = asyncio.Barrier(2)

    async def decide(verify: bool) -> None:
        async with sellers_uow() as uow:
            seller = await uow.sellers.get(seller_id(1))
            assert seller is not None
            await both_read.wait()
            if verify:
                seller.verify("admin-1", clock.now())
            else:
                seller.reject("no", "admin-2", clock.now())
            await uow.sellers.update(seller)
            await uow.commit()

    outcomes = await asyncio.wait_for(asyncio.gather(decide(True), decide(False), return_exceptions=True), 10)

    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1, outcomes
    assert isinstance(failures[0], Conflict)
    stored = await load(sellers_uow, seller_id(1))
    assert stored is not None
    assert stored.status is (SellerStatus.REJECTED if outcomes[0] is not None else SellerStatus.VERIFIED)
    assert stored.version == 1
    decisions = [e.type for e in await committed_events()][1:]
    assert decisions == ["sellers.SellerRejected.v1" if outcomes[0] is not None else "sellers.SellerVerified.v1"]


async def test_updates_in_one_unit_of_work_build_on_each_other(sellers_uow: UowFactory, clock: ManualClock) -> None:
    async with sellers_uow() as uow:
        seller = new_seller(1, clock)
        await uow.sellers.add(seller)
        seller.verify("admin-1", clock.now())
        await uow.sellers.update(seller)
        seller.suspend("no", "admin-1", clock.now())
        await uow.sellers.update(seller)
        await uow.commit()

    stored = await load(sellers_uow, seller_id(1))
    assert stored is not None
    assert (stored.status, stored.version) == (SellerStatus.SUSPENDED, 2)


async def test_events_are_handed_on_at_commit(
    sellers_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    await store(sellers_uow, new_seller(1, clock))
    clock.advance(10)
    async with sellers_uow() as uow:
        seller = await uow.sellers.get(seller_id(1))
        assert seller is not None
        seller.verify("admin-1", clock.now())
        await uow.sellers.update(seller)
        await uow.commit()

    events = await committed_events()

    assert [(e.type, e.key) for e in events] == [
        ("sellers.SellerApplied.v1", seller_id(1)),
        ("sellers.SellerVerified.v1", seller_id(1)),
    ]
    assert events[0].payload == {
        "seller_id": seller_id(1),
        "user_id": seller_id(1),
        "display_name": "Ann's Lamps",
        "legal_name": "Seller 1 GmbH",
        "country": "DE",
    }
    assert events[1].payload == {
        "seller_id": seller_id(1),
        "user_id": seller_id(1),
        "display_name": "Ann's Lamps",
        "by": "admin-1",
    }
    assert events[1].occurred_at == clock.now()


async def test_leaving_without_commit_keeps_nothing_and_publishes_nothing(
    sellers_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    async with sellers_uow() as uow:
        await uow.sellers.add(new_seller(1, clock))
        await uow.listings.add(seller_id(1), "p1")

    assert await load(sellers_uow, seller_id(1)) is None
    async with sellers_uow() as uow:
        assert await uow.listings.count(seller_id(1)) == 0
    assert await committed_events() == []


# The admin's list


async def page_ids(sellers_uow: UowFactory, status: SellerStatus | None, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    request = PageRequest(limit=limit)
    while True:
        async with sellers_uow() as uow:
            page = await uow.sellers.list(status, request)
        pages.append([s.id for s in page.items])
        if page.next_cursor is None:
            return pages
        request = PageRequest(limit=limit, cursor=page.next_cursor)


async def test_sellers_are_listed_oldest_application_first_then_by_id_bytewise(
    sellers_uow: UowFactory, clock: ManualClock
) -> None:
    t0 = clock.now()
    made: list[Seller] = []
    # Out of order; "B" and "a" applied in the same instant: ids compare bytewise ("B" < "a").
    for id_, offset in [("a", 1), ("c", 0.000001), ("B", 1), ("d", 0), ("e", 2)]:
        made.append(new_seller(id_, ManualClock(t0 + timedelta(seconds=offset))))
    await store(sellers_uow, *made)

    assert await page_ids(sellers_uow, None, 2) == [["d", "c"], ["B", "a"], ["e"]]
    assert await page_ids(sellers_uow, None, 5) == [["d", "c", "B", "a", "e"]]


async def test_a_status_lists_only_its_sellers(sellers_uow: UowFactory, clock: ManualClock) -> None:
    sellers = [new_seller(n, clock) for n in range(1, 6)]
    sellers[1].verify("admin", clock.now())
    sellers[2].reject("no", "admin", clock.now())
    sellers[3].verify("admin", clock.now())
    sellers[3].suspend("no", "admin", clock.now())
    await store(sellers_uow, *sellers)

    assert await page_ids(sellers_uow, SellerStatus.PENDING, 1) == [[seller_id(1)], [seller_id(5)]]
    assert await page_ids(sellers_uow, SellerStatus.VERIFIED, 10) == [[seller_id(2)]]
    assert await page_ids(sellers_uow, SellerStatus.REJECTED, 10) == [[seller_id(3)]]
    assert await page_ids(sellers_uow, SellerStatus.SUSPENDED, 10) == [[seller_id(4)]]


async def test_an_exact_last_page_has_no_cursor_and_an_empty_list_one_empty_page(
    sellers_uow: UowFactory, clock: ManualClock
) -> None:
    assert await page_ids(sellers_uow, None, 3) == [[]]
    await store(sellers_uow, new_seller(1, clock), new_seller(2, clock))

    assert await page_ids(sellers_uow, None, 2) == [[seller_id(1), seller_id(2)]]


@pytest.mark.parametrize(
    "cursor",
    ["%%%", encode_cursor(["x"]), encode_cursor([START.isoformat(), 1]), encode_cursor(["2026-13-01", "a"])],
)
async def test_a_forged_cursor_is_refused_naming_cursor(
    sellers_uow: UowFactory, clock: ManualClock, cursor: str
) -> None:
    await store(sellers_uow, new_seller(1, clock))
    async with sellers_uow() as uow:
        with pytest.raises(ValidationFailed) as raised:
            await uow.sellers.list(None, PageRequest(limit=1, cursor=cursor))
    assert [e.field for e in raised.value.errors] == ["cursor"]


# Listings


async def count(sellers_uow: UowFactory, id_: str) -> int:
    async with sellers_uow() as uow:
        return await uow.listings.count(id_)


async def test_a_listing_counts_once_however_often_it_is_added(sellers_uow: UowFactory) -> None:
    async with sellers_uow() as uow:
        await uow.listings.add(seller_id(1), "p1")
        await uow.listings.add(seller_id(1), "p1")
        await uow.listings.add(seller_id(1), "p2")
        await uow.listings.add(seller_id(2), "p3")
        assert await uow.listings.count(seller_id(1)) == 2  # seen inside the unit of work already
        await uow.commit()
    async with sellers_uow() as uow:
        await uow.listings.add(seller_id(1), "p2")
        await uow.commit()

    assert await count(sellers_uow, seller_id(1)) == 2
    assert await count(sellers_uow, seller_id(2)) == 1
    assert await count(sellers_uow, seller_id(3)) == 0


async def test_a_removed_listing_no_longer_counts_and_removing_twice_is_harmless(sellers_uow: UowFactory) -> None:
    async with sellers_uow() as uow:
        await uow.listings.add(seller_id(1), "p1")
        await uow.listings.add(seller_id(1), "p2")
        await uow.commit()
    for _ in range(2):
        async with sellers_uow() as uow:
            await uow.listings.remove("p1")
            await uow.listings.remove("never-listed")
            await uow.commit()

    assert await count(sellers_uow, seller_id(1)) == 1
