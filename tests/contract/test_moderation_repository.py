"""The CaseRepository, FingerprintRepository and ModerationUnitOfWork contract, memory and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.moderation import MemoryModerationUnitOfWork, ModerationTables
from adapters.postgres.moderation.repository import PostgresModerationUnitOfWork
from core.moderation.model import (
    Case,
    CaseStatus,
    Finding,
    Fingerprint,
    Severity,
    Subject,
    SubmittedAttribute,
    SubmittedContent,
)
from core.shared.errors import Conflict, ValidationFailed
from core.shared.events import EventEnvelope
from core.shared.money import Money
from core.shared.pagination import PageRequest, encode_cursor
from ports.moderation import ModerationUnitOfWork
from tests.support.events import RecordingEventBus
from tests.support.postgres import outbox_envelopes, scratch_pool, truncate_statement

ADAPTERS = ["memory", pytest.param("postgres", marks=pytest.mark.infra)]
START = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)

UowFactory = Callable[[], ModerationUnitOfWork]
CommittedEvents = Callable[[], Awaitable[list[EventEnvelope]]]

CONTENT = SubmittedContent(
    title="Crème brûlée torch",
    description="A butane kitchen torch with a safety lock. Ships with a refill adapter.",
    brand="Flambé & Co",
    category_id="0190f0a4-0000-7000-8000-00000000ca7e",
    sku="TORCH-1",
    attributes=(
        SubmittedAttribute("fuel", "text", "butane"),
        SubmittedAttribute("burn_minutes", "number", "60"),
        SubmittedAttribute("refillable", "boolean", "true"),
    ),
    price=Money(2999, "EUR"),
    image_count=3,
)
FINDINGS = (
    Finding("contact_details", Severity.REVIEW, "the description contains a link"),
    Finding("price", Severity.REVIEW, "the price is high"),
)


class MemoryBackend:
    def __init__(self) -> None:
        self.bus = RecordingEventBus()
        self.tables = ModerationTables()

    def uow(self) -> ModerationUnitOfWork:
        return MemoryModerationUnitOfWork(self.tables, self.bus)

    async def committed_events(self) -> list[EventEnvelope]:
        return list(self.bus.delivered)


class PostgresBackend:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def uow(self) -> ModerationUnitOfWork:
        return PostgresModerationUnitOfWork(self.pool)

    async def committed_events(self) -> list[EventEnvelope]:
        return await outbox_envelopes(self.pool)


@pytest.fixture(scope="module")
async def moderation_pool() -> AsyncIterator[asyncpg.Pool]:
    async with scratch_pool("contract_moderation", contexts=["moderation"]) as pool:
        yield pool


@pytest.fixture
async def clean_moderation_pool(moderation_pool: asyncpg.Pool) -> asyncpg.Pool:
    await moderation_pool.execute(await truncate_statement(moderation_pool))
    return moderation_pool


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest) -> MemoryBackend | PostgresBackend:
    if request.param == "memory":
        return MemoryBackend()
    # Looked up here, so a memory-only run never touches PostgreSQL.
    return PostgresBackend(request.getfixturevalue("clean_moderation_pool"))


@pytest.fixture
def moderation_uow(backend: MemoryBackend | PostgresBackend) -> UowFactory:
    return backend.uow


@pytest.fixture
def committed_events(backend: MemoryBackend | PostgresBackend) -> CommittedEvents:
    return backend.committed_events


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def case_id(n: int) -> str:
    return f"00000000-0000-7000-8000-{n:012d}"


def new_case(
    n: int,
    clock: ManualClock,
    *,
    product: str = "product-1",
    revision: int = 1,
    findings: tuple[Finding, ...] = FINDINGS,
    content: SubmittedContent = CONTENT,
    owner: str = "seller-1",
    subject_type: str = "product",
) -> Case:
    """A case left open for a moderator (review findings), unless ``findings`` is empty (approved)."""
    subject = Subject(subject_type, product, revision, owner)
    return Case.open(case_id=case_id(n), subject=subject, content=content, findings=findings, now=clock.now())


async def store(moderation_uow: UowFactory, *cases: Case) -> None:
    async with moderation_uow() as uow:
        for case in cases:
            await uow.cases.add(case)
        await uow.commit()


async def load(moderation_uow: UowFactory, n: int) -> Case:
    async with moderation_uow() as uow:
        case = await uow.cases.get(case_id(n))
    assert case is not None
    return case


# Cases


async def test_a_case_comes_back_with_every_field(moderation_uow: UowFactory, clock: ManualClock) -> None:
    case = new_case(1, clock)
    clock.advance(90)
    case.decide(approved=False, reasons=["Remove the link", "Lower the price"], by="moderator-1", now=clock.now())
    await store(moderation_uow, case)

    loaded = await load(moderation_uow, 1)

    assert loaded == case
    assert loaded.content.price == Money(2999, "EUR")
    assert loaded.findings == FINDINGS
    assert loaded.decision is not None
    assert loaded.decision.reasons == ("Remove the link", "Lower the price")
    assert loaded.decision.decided_at == START + timedelta(seconds=90)
    assert [e.action for e in loaded.history] == ["opened", "rejected"]
    assert loaded.version == 1


async def test_an_open_case_without_price_or_findings_comes_back(
    moderation_uow: UowFactory, clock: ManualClock
) -> None:
    bare = SubmittedContent(title="A review title", description="")
    case = new_case(1, clock, content=bare, findings=(Finding("banned_words", Severity.REVIEW, "hm"),))
    await store(moderation_uow, case)

    loaded = await load(moderation_uow, 1)

    assert loaded == case
    assert loaded.decision is None
    assert loaded.status is CaseStatus.OPEN


async def test_an_unknown_case_is_none(moderation_uow: UowFactory) -> None:
    async with moderation_uow() as uow:
        assert await uow.cases.get(case_id(404)) is None
        assert await uow.cases.get("not even an id") is None


async def test_a_second_case_for_one_revision_is_a_conflict(moderation_uow: UowFactory, clock: ManualClock) -> None:
    await store(moderation_uow, new_case(1, clock))
    async with moderation_uow() as uow:
        with pytest.raises(Conflict, match=r"^this revision already has a moderation case$"):
            await uow.cases.add(new_case(2, clock))
        # The unit of work is still usable after the conflict.
        await uow.cases.add(new_case(3, clock, revision=2))
        await uow.commit()
    async with moderation_uow() as uow:
        assert await uow.cases.get(case_id(2)) is None
        assert [c.id for c in await uow.cases.for_subject("product", "product-1")] == [case_id(1), case_id(3)]


async def test_a_subjects_cases_list_oldest_revision_first(moderation_uow: UowFactory, clock: ManualClock) -> None:
    await store(
        moderation_uow,
        new_case(1, clock, revision=3),
        new_case(2, clock, revision=1),
        new_case(3, clock, product="product-2"),
        new_case(4, clock, revision=2),
    )
    async with moderation_uow() as uow:
        cases = await uow.cases.for_subject("product", "product-1")
        other_type = await uow.cases.for_subject("review", "product-1")
    assert [(c.id, c.subject.revision) for c in cases] == [(case_id(2), 1), (case_id(4), 2), (case_id(1), 3)]
    assert other_type == []


async def test_an_update_is_stored_and_bumps_the_version(moderation_uow: UowFactory, clock: ManualClock) -> None:
    await store(moderation_uow, new_case(1, clock))
    clock.advance(60)
    async with moderation_uow() as uow:
        case = await uow.cases.get(case_id(1))
        assert case is not None
        case.supersede(2, clock.now())
        await uow.cases.update(case)
        assert case.version == 2
        await uow.commit()

    loaded = await load(moderation_uow, 1)
    assert loaded == case
    assert loaded.status is CaseStatus.SUPERSEDED
    assert loaded.updated_at == START + timedelta(seconds=60)


async def test_a_change_from_a_stale_read_is_refused(moderation_uow: UowFactory, clock: ManualClock) -> None:
    await store(moderation_uow, new_case(1, clock))
    first, second = moderation_uow(), moderation_uow()
    async with first, second:
        mine = await first.cases.get(case_id(1))
        theirs = await second.cases.get(case_id(1))
        assert mine is not None
        assert theirs is not None
        mine.decide(approved=True, reasons=[], by="moderator-1", now=clock.now())
        await first.cases.update(mine)
        await first.commit()
        theirs.decide(approved=False, reasons=["Too late"], by="moderator-2", now=clock.now())
        with pytest.raises(Conflict, match="changed meanwhile"):
            await second.cases.update(theirs)

    loaded = await load(moderation_uow, 1)
    assert loaded.decision is not None
    assert loaded.decision.decided_by == "moderator-1"
    assert loaded.version == 2


async def test_the_queue_is_oldest_open_first_page_by_page(moderation_uow: UowFactory, clock: ManualClock) -> None:
    t0 = clock.now()
    # Opened out of id order; 3 and 5 in the same instant, so their ids break the tie.
    moments = {4: t0, 5: t0 + timedelta(seconds=5), 3: t0 + timedelta(seconds=5), 1: t0 + timedelta(seconds=9)}
    cases = [new_case(n, ManualClock(moment), product=f"product-{n}") for n, moment in moments.items()]
    cases.append(new_case(2, clock, product="product-2", findings=()))  # approved at once: not in the queue
    await store(moderation_uow, *cases)

    seen, cursor = [], None
    async with moderation_uow() as uow:
        while True:
            page = await uow.cases.list(CaseStatus.OPEN, PageRequest(2, cursor))
            seen.append([c.id[-1] for c in page.items])
            cursor = page.next_cursor
            if cursor is None:
                break
    assert seen == [["4", "3"], ["5", "1"]]


async def test_closed_cases_are_most_recently_closed_first(moderation_uow: UowFactory, clock: ManualClock) -> None:
    cases = [new_case(n, clock, product=f"product-{n}") for n in range(1, 6)]
    for n, case in enumerate(cases, start=1):
        moment = clock.now() + timedelta(seconds=10 * (n % 3))  # 1 and 4 close in the same instant
        if n == 5:
            case.supersede(2, moment)
        else:
            case.decide(approved=n % 2 == 0, reasons=["Because it is so"], by="moderator-1", now=moment)
    await store(moderation_uow, *cases)

    async with moderation_uow() as uow:
        first = await uow.cases.list(CaseStatus.DECIDED, PageRequest(3))
        rest = await uow.cases.list(CaseStatus.DECIDED, PageRequest(3, first.next_cursor))
        superseded = await uow.cases.list(CaseStatus.SUPERSEDED, PageRequest())
        queue = await uow.cases.list(CaseStatus.OPEN, PageRequest())

    assert [c.id[-1] for c in first.items] == ["2", "4", "1"]
    assert [c.id[-1] for c in rest.items] == ["3"]
    assert rest.next_cursor is None
    assert [c.id[-1] for c in superseded.items] == ["5"]
    assert queue.items == []


async def test_the_queue_and_the_closed_cases_filter_by_subject_type(
    moderation_uow: UowFactory, clock: ManualClock
) -> None:
    t0 = clock.now()
    cases = [
        new_case(n, ManualClock(t0 + timedelta(seconds=n)), product=f"subject-{n}", subject_type=kind)
        for n, kind in enumerate(["review", "product", "review", "review", "product"], start=1)
    ]
    for case in cases[3:]:
        case.decide(approved=True, reasons=[], by="moderator-1", now=t0 + timedelta(seconds=60 - int(case.id[-1])))
    await store(moderation_uow, *cases)

    async with moderation_uow() as uow:
        first = await uow.cases.list(CaseStatus.OPEN, PageRequest(1), "review")
        rest = await uow.cases.list(CaseStatus.OPEN, PageRequest(5, first.next_cursor), "review")
        products = await uow.cases.list(CaseStatus.OPEN, PageRequest(), "product")
        everything = await uow.cases.list(CaseStatus.OPEN, PageRequest())
        decided_reviews = await uow.cases.list(CaseStatus.DECIDED, PageRequest(), "review")
        decided_products = await uow.cases.list(CaseStatus.DECIDED, PageRequest(1), subject_type="product")
        decided = await uow.cases.list(CaseStatus.DECIDED, PageRequest())
        nothing = await uow.cases.list(CaseStatus.OPEN, PageRequest(), "seller")

    assert [c.id[-1] for c in first.items] == ["1"]
    assert [c.id[-1] for c in rest.items] == ["3"]
    assert rest.next_cursor is None
    assert [c.id[-1] for c in products.items] == ["2"]
    assert [c.id[-1] for c in everything.items] == ["1", "2", "3"]
    assert [(c.id[-1], c.subject.type) for c in decided_reviews.items] == [("4", "review")]
    assert [c.id[-1] for c in decided_products.items] == ["5"]
    assert decided_products.next_cursor is None
    assert [c.id[-1] for c in decided.items] == ["4", "5"]
    assert nothing.items == []


async def test_cases_opened_for_an_owner_since_a_moment_are_counted(
    moderation_uow: UowFactory, clock: ManualClock
) -> None:
    t0 = clock.now()

    def opened(n: int, seconds: int, owner: str = "customer-1", kind: str = "review") -> Case:
        return new_case(
            n, ManualClock(t0 + timedelta(seconds=seconds)), product=f"r-{n}", owner=owner, subject_type=kind
        )

    decided = opened(3, 20)
    decided.decide(approved=False, reasons=["Spam"], by="moderator-1", now=t0 + timedelta(seconds=30))
    await store(
        moderation_uow,
        opened(1, 0),
        opened(2, 10),
        decided,  # counted whatever became of it
        opened(4, 30, owner="customer-2"),
        opened(5, 30, kind="product"),
    )

    async with moderation_uow() as uow:
        assert await uow.cases.opened_since("review", "customer-1", t0) == 3
        assert await uow.cases.opened_since("review", "customer-1", t0 + timedelta(seconds=10)) == 2  # inclusive
        assert await uow.cases.opened_since("review", "customer-1", t0 + timedelta(seconds=10, microseconds=1)) == 1
        assert await uow.cases.opened_since("review", "customer-1", t0 + timedelta(seconds=21)) == 0
        assert await uow.cases.opened_since("review", "customer-2", t0) == 1
        assert await uow.cases.opened_since("product", "customer-1", t0) == 1
        assert await uow.cases.opened_since("review", "nobody", t0) == 0
        # A case added in this unit of work counts before it commits.
        await uow.cases.add(opened(6, 40))
        assert await uow.cases.opened_since("review", "customer-1", t0 + timedelta(seconds=21)) == 1


async def test_a_reviews_rating_comes_back(moderation_uow: UowFactory, clock: ManualClock) -> None:
    text = SubmittedContent(title="Warm", description="Keeps tea hot", rating=4, image_count=2)
    await store(moderation_uow, new_case(1, clock, content=text, subject_type="review", owner="customer-1"))

    loaded = await load(moderation_uow, 1)

    assert loaded.content == text
    assert loaded.content.rating == 4
    assert loaded.subject == Subject("review", "product-1", 1, "customer-1")


@pytest.mark.parametrize(
    "cursor",
    ["%%%", encode_cursor(["2026-01-01T00:00:00+00:00"]), encode_cursor(["yesterday", "x"]), encode_cursor([1, 2])],
)
async def test_a_foreign_cursor_is_refused(moderation_uow: UowFactory, cursor: str) -> None:
    async with moderation_uow() as uow:
        for status in CaseStatus:
            with pytest.raises(ValidationFailed) as raised:
                await uow.cases.list(status, PageRequest(5, cursor))
            assert raised.value.errors[0].field == "cursor"


async def test_case_events_are_handed_on_at_commit(
    moderation_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    await store(moderation_uow, new_case(1, clock))
    clock.advance(30)
    async with moderation_uow() as uow:
        case = await uow.cases.get(case_id(1))
        assert case is not None
        case.decide(approved=False, reasons=["No links, please"], by="moderator-1", now=clock.now())
        await uow.cases.update(case)
        await uow.commit()

    events = await committed_events()

    assert [(e.type, e.key) for e in events] == [
        ("moderation.CaseOpened.v1", case_id(1)),
        ("moderation.ModerationDecided.v1", "product-1"),
    ]
    assert events[0].payload == {
        "case_id": case_id(1),
        "subject_type": "product",
        "subject_id": "product-1",
        "revision": 1,
        "needs_human": True,
    }
    assert events[1].payload == {
        "case_id": case_id(1),
        "subject_type": "product",
        "subject_id": "product-1",
        "revision": 1,
        "approved": False,
        "reasons": ["No links, please"],
        "decided_by": "moderator-1",
    }
    assert events[1].occurred_at == clock.now()


async def test_leaving_without_commit_keeps_nothing_and_publishes_nothing(
    moderation_uow: UowFactory, clock: ManualClock, committed_events: CommittedEvents
) -> None:
    async with moderation_uow() as uow:
        await uow.cases.add(new_case(1, clock, findings=()))
        await uow.fingerprints.put(Fingerprint.of(Subject("product", "product-1", 1, "seller-1"), CONTENT))

    async with moderation_uow() as uow:
        assert await uow.cases.get(case_id(1)) is None
        assert await uow.fingerprints.similar(Fingerprint.of(Subject("product", "p", 1, "seller-1"), CONTENT)) == []
    assert await committed_events() == []


# Fingerprints

ELSEWHERE = "Something else entirely, and long enough to be told apart"


def fingerprint(
    subject_id: str, owner: str, subject_type: str = "product", revision: int = 1, **text: str
) -> Fingerprint:
    content = SubmittedContent(
        title=text.get("title", CONTENT.title),
        description=text.get("description", CONTENT.description),
        brand=text.get("brand", CONTENT.brand),
    )
    return Fingerprint.of(Subject(subject_type, subject_id, revision, owner), content)


async def put(moderation_uow: UowFactory, *fingerprints: Fingerprint) -> None:
    async with moderation_uow() as uow:
        for f in fingerprints:
            await uow.fingerprints.put(f)
        await uow.commit()


async def test_similar_fingerprints_share_the_listing_or_the_description(moderation_uow: UowFactory) -> None:
    await put(
        moderation_uow,
        fingerprint("p-4", "seller-1", title="creme brulee TORCH", description=ELSEWHERE),
        fingerprint("p-2", "seller-2", title="Another torch"),  # the same description
        fingerprint("p-3", "seller-2", description="Another description, also long enough to count"),
        fingerprint("p-1", "seller-1", brand="Other brand", description="A third description, long enough as well"),
        fingerprint("r-1", "seller-1", subject_type="review"),
    )
    async with moderation_uow() as uow:
        found = await uow.fingerprints.similar(fingerprint("p-9", "seller-1"))
    assert [f.subject_id for f in found] == ["p-2", "p-4"]
    assert found[1] == fingerprint("p-4", "seller-1", title="creme brulee TORCH", description=ELSEWHERE)


async def test_a_short_description_matches_by_listing_only(moderation_uow: UowFactory) -> None:
    await put(moderation_uow, fingerprint("p-1", "seller-2", title="Other", description="Brand new."))
    async with moderation_uow() as uow:
        found = await uow.fingerprints.similar(fingerprint("p-2", "seller-1", description="Brand new."))
    assert found == []


async def test_a_later_approval_replaces_the_subjects_fingerprint(moderation_uow: UowFactory) -> None:
    await put(moderation_uow, fingerprint("p-1", "seller-1"))
    renamed = fingerprint(
        "p-1", "seller-1", revision=2, title="A renamed torch", description="Now a new description too"
    )
    await put(moderation_uow, renamed)
    async with moderation_uow() as uow:
        old = await uow.fingerprints.similar(fingerprint("p-9", "seller-1"))
        new = await uow.fingerprints.similar(fingerprint("p-9", "seller-1", title="a renamed torch"))
    assert old == []
    assert new == [renamed]
