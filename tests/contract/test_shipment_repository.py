"""The ShipmentRepository and LogisticsUnitOfWork contract, memory and PostgreSQL alike.

The shipments database is its own (schema ``logistics``), so this suite has its own scratch database; every
test runs once per adapter and sees only the ports, plus ``committed_events()`` (the bus or the outbox).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.logistics import LogisticsTables, MemoryLogisticsUnitOfWork
from adapters.postgres.logistics.repository import PostgresLogisticsUnitOfWork
from core.logistics.model import Shipment, ShipmentItem, TrackingSource
from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict, ValidationFailed
from core.shared.events import EventEnvelope
from core.shared.pagination import PageRequest, encode_cursor
from ports.checkout import ShipmentStatus
from ports.logistics import LogisticsUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

# Microseconds on purpose: stored times (and the cursors made of them) must come back exact.
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
ADDRESS = PostalAddress(
    recipient="Ann Example", line1="Hauptstr. 1", line2="Hinterhaus", city="Berlin", region="BE",
    postal_code="10115", country="DE", phone="+49 30 1234567",
)  # fmt: skip

UowFactory = Callable[[], LogisticsUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]
ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]


class MemoryLogistics:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = LogisticsTables()

    def uow(self) -> LogisticsUnitOfWork:
        return MemoryLogisticsUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresLogistics:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def uow(self) -> LogisticsUnitOfWork:
        return PostgresLogisticsUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="session")
async def logistics_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("logistics_contract", contexts=["logistics"]) as pool:
        yield pool


@pytest.fixture(scope="session")
async def logistics_truncate(logistics_pool: asyncpg.Pool) -> str:
    return await truncate_statement(logistics_pool)


@pytest.fixture
async def clean_logistics_pool(logistics_pool: asyncpg.Pool, logistics_truncate: str) -> asyncpg.Pool:
    await logistics_pool.execute(logistics_truncate)
    return logistics_pool


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> MemoryLogistics | PostgresLogistics:
    if request.param == "memory":
        return MemoryLogistics()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresLogistics(request.getfixturevalue("clean_logistics_pool"))


@pytest.fixture
def uow(backend: MemoryLogistics | PostgresLogistics) -> UowFactory:
    return backend.uow


def shipment(n: int, *, at: datetime = START, carrier: str = "sandbox", order: str | None = None) -> Shipment:
    return Shipment.book(
        shipment_id=f"s-{n:03d}",
        order_id=order or f"o-{n:03d}",
        customer_id="c-1",
        carrier=carrier,
        tracking_number=f"SBX{n:010d}",
        label_url=f"http://sandbox/v1/labels/SBX{n:010d}",
        address=ADDRESS,
        items=(ShipmentItem("p-1", 2), ShipmentItem("p-2", 1)),
        now=at,
    )


async def store(uow: UowFactory, *shipments: Shipment) -> None:
    async with uow() as tx:
        for s in shipments:
            await tx.shipments.add(s)
        await tx.commit()


async def test_a_stored_shipment_comes_back_whole_by_id_order_and_tracking_number(uow: UowFactory) -> None:
    original = shipment(1)
    await store(uow, original)
    async with uow() as tx:
        by_id = await tx.shipments.get("s-001")
        by_order = await tx.shipments.by_order("o-001")
        by_number = await tx.shipments.by_tracking_number("SBX0000000001")
        assert await tx.shipments.get("s-999") is None
        assert await tx.shipments.by_order("o-999") is None
        assert await tx.shipments.by_tracking_number("SBX9") is None
    assert by_id == by_order == by_number == original
    assert by_id is not None
    assert by_id.address == ADDRESS
    assert by_id.timeline == original.timeline


async def test_one_shipment_per_order_and_per_tracking_number(uow: UowFactory) -> None:
    await store(uow, shipment(1))
    for clash in (shipment(2, order="o-001"), attrs_evolve_number(shipment(3), "SBX0000000001"), shipment(1)):
        with pytest.raises(Conflict):
            await store(uow, clash)
    async with uow() as tx:
        assert await tx.shipments.get("s-002") is None


def attrs_evolve_number(s: Shipment, number: str) -> Shipment:
    s.tracking_number = number
    return s


async def test_changes_are_stored_with_their_events_and_a_stale_version_is_refused(
    uow: UowFactory, backend: MemoryLogistics | PostgresLogistics
) -> None:
    await store(uow, shipment(1))
    later = START + timedelta(hours=1)
    async with uow() as tx:
        s = await tx.shipments.get("s-001")
        assert s is not None
        s.report(
            ShipmentStatus.IN_TRANSIT,
            location="Hub",
            occurred_at=later,
            source=TrackingSource.WEBHOOK,
            now=later,
            ref="cev_1",
        )
        s.tracked(later)
        await tx.shipments.update(s)
        await tx.commit()
    async with uow() as tx:
        stale = await tx.shipments.get("s-001")
    async with uow() as tx:
        fresh = await tx.shipments.get("s-001")
        assert fresh is not None
        assert fresh.status is ShipmentStatus.IN_TRANSIT
        assert fresh.version == 1
        assert fresh.tracked_at == later
        assert fresh.timeline[-1].ref == "cev_1"
        assert fresh.timeline[-1].occurred_at == later
        fresh.hand_to("carrier-1", "admin", later)
        await tx.shipments.update(fresh)
        await tx.commit()
    assert stale is not None
    stale.hand_to("carrier-2", "admin", later)
    async with uow() as tx:
        with pytest.raises(Conflict):
            await tx.shipments.update(stale)
    types = [e.type for e in await backend.committed_events()]
    assert types == [
        "logistics.ShipmentCreated.v1",
        "logistics.ShipmentStatusChanged.v1",
        "logistics.ShipmentHandedOver.v1",
    ]
    assert {e.key for e in await backend.committed_events()} == {"o-001"}


async def test_nothing_is_stored_or_published_without_commit(
    uow: UowFactory, backend: MemoryLogistics | PostgresLogistics
) -> None:
    async with uow() as tx:
        await tx.shipments.add(shipment(1))
    async with uow() as tx:
        assert await tx.shipments.get("s-001") is None
    assert await backend.committed_events() == []


async def test_lists_are_newest_first_filtered_and_paged(uow: UowFactory) -> None:
    rows = [shipment(n, at=START + timedelta(minutes=n), carrier="c-1" if n % 2 else "sandbox") for n in range(5)]
    rows.append(shipment(9, at=START + timedelta(minutes=4)))  # a tie on created_at: the id decides
    await store(uow, *rows)
    async with uow() as tx:
        s = await tx.shipments.get("s-000")
        assert s is not None
        s.cancel(START)
        await tx.shipments.update(s)
        await tx.commit()
    async with uow() as tx:
        first = await tx.shipments.list(PageRequest(limit=4))
        rest = await tx.shipments.list(PageRequest(limit=4, cursor=first.next_cursor))
        cancelled = await tx.shipments.list(PageRequest(), status=ShipmentStatus.CANCELLED)
        carried = await tx.shipments.list(PageRequest(), carrier="c-1")
        both = await tx.shipments.list(PageRequest(), status=ShipmentStatus.ACCEPTED, carrier="sandbox")
        with pytest.raises(ValidationFailed):
            await tx.shipments.list(PageRequest(cursor=encode_cursor(["yesterday", "x"])))
    assert [s.id for s in first.items] == ["s-009", "s-004", "s-003", "s-002"]
    assert [s.id for s in rest.items] == ["s-001", "s-000"]
    assert rest.next_cursor is None
    assert [s.id for s in cancelled.items] == ["s-000"]
    assert [s.id for s in carried.items] == ["s-003", "s-001"]
    assert [s.id for s in both.items] == ["s-009", "s-004", "s-002"]


async def test_on_the_way_is_the_carriers_open_parcels_least_recently_tracked_first(uow: UowFactory) -> None:
    await store(uow, *[shipment(n) for n in range(4)], shipment(7, carrier="c-1"))
    async with uow() as tx:
        for sid, tracked in (("s-000", START + timedelta(minutes=5)), ("s-001", START)):
            s = await tx.shipments.get(sid)
            assert s is not None
            s.tracked(tracked)
            await tx.shipments.update(s)
        done = await tx.shipments.get("s-002")
        assert done is not None
        done.report(ShipmentStatus.DELIVERED, location="x", occurred_at=START, source=TrackingSource.API, now=START)
        await tx.shipments.update(done)
        await tx.commit()
    async with uow() as tx:
        due = await tx.shipments.on_the_way("sandbox", 10)
        two = await tx.shipments.on_the_way("sandbox", 2)
    assert [s.id for s in due] == ["s-003", "s-001", "s-000"]
    assert [s.id for s in two] == ["s-003", "s-001"]
