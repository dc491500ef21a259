"""A submission opens a case: the rules approve it, reject it, or leave it to a moderator."""

from __future__ import annotations

from core.moderation.commands import ListCases
from core.moderation.events import CaseOpened, ModerationDecided
from core.moderation.model import CaseStatus, Severity, SubmittedAttribute
from core.shared.money import Money

from ..harness import Published
from .conftest import CLEAN, MODERATOR, OTHER_SELLER, ModerationApp, content

PHONE = "A sturdy enamel mug. Call me on +49 30 1234567 for a discount."


async def test_clean_content_is_approved_by_the_rules(moderation: ModerationApp, published: Published) -> None:
    view = await moderation.submitted()

    assert view.status is CaseStatus.DECIDED
    assert view.findings == []
    assert view.content == CLEAN
    assert view.decision is not None
    assert (view.decision.approved, view.decision.reasons, view.decision.decided_by) == (True, (), "rules")
    assert view.decision.decided_at == moderation.clock.now()
    assert [(e.action, e.by) for e in view.history] == [("opened", "rules"), ("approved", "rules")]
    assert published.types() == ["moderation.CaseOpened.v1", "moderation.ModerationDecided.v1"]
    [opened] = published.of(CaseOpened)
    assert (opened.case_id, opened.subject_type, opened.subject_id, opened.revision, opened.needs_human) == (
        view.case_id,
        "product",
        "product-1",
        1,
        False,
    )
    [decided] = published.of(ModerationDecided)
    assert decided.key == "product-1"
    assert (decided.case_id, decided.subject_id, decided.revision, decided.approved, decided.reasons) == (
        view.case_id,
        "product-1",
        1,
        True,
        [],
    )
    assert decided.decided_by == "rules"


async def test_a_banned_word_is_rejected_with_the_reason(moderation: ModerationApp, published: Published) -> None:
    view = await moderation.submitted(content(title="Counterfeit Designer Watch", price=Money(0, "EUR")))

    assert view.status is CaseStatus.DECIDED
    assert view.decision is not None
    assert view.decision.approved is False
    assert view.decision.reasons == (
        'the title contains the banned word "counterfeit"',
        "the price must be more than zero",
    )
    [decided] = published.of(ModerationDecided)
    assert (decided.approved, decided.reasons, decided.decided_by) == (False, list(view.decision.reasons), "rules")
    assert published.of(CaseOpened)[0].needs_human is False


async def test_a_rejection_gives_only_the_rejecting_reasons(moderation: ModerationApp) -> None:
    view = await moderation.submitted(content(description=PHONE, attributes=(SubmittedAttribute("a", "number", "x"),)))

    assert view.decision is not None
    assert view.decision.reasons == ('the attribute "a" must be a number, not "x"',)
    assert [f.severity for f in view.findings] == [Severity.REJECT, Severity.REVIEW]  # the moderator sees both


async def test_contact_details_leave_the_case_open_for_a_moderator(
    moderation: ModerationApp, published: Published
) -> None:
    view = await moderation.submitted(content(description=PHONE))

    assert view.status is CaseStatus.OPEN
    assert view.decision is None
    assert [f.rule for f in view.findings] == ["contact_details"]
    assert published.types() == ["moderation.CaseOpened.v1"]
    assert published.of(CaseOpened)[0].needs_human is True
    queue = await moderation.list_cases(ListCases(MODERATOR))
    assert [c.case_id for c in queue.items] == [view.case_id]


async def test_a_newer_revision_supersedes_the_open_case(moderation: ModerationApp, published: Published) -> None:
    first = await moderation.submitted(content(description=PHONE))
    moderation.clock.advance(60)
    published.clear()

    second = await moderation.submitted(revision=2)

    old = await moderation.stored(first.case_id)
    assert old is not None
    assert old.status is CaseStatus.SUPERSEDED
    assert old.decision is None
    assert old.updated_at == moderation.clock.now()
    assert [(e.action, e.by, e.reasons) for e in old.history][-1] == (
        "superseded",
        "system",
        ("revision 2 was submitted",),
    )
    # Nothing is published for the superseded revision: only the new case and its decision.
    assert [e.case_id for e in published.of(ModerationDecided)] == [second.case_id]
    assert [e.revision for e in published.of(ModerationDecided)] == [2]
    queue = await moderation.list_cases(ListCases(MODERATOR))
    assert queue.items == []


async def test_a_decided_case_stays_as_it_was_when_a_newer_revision_comes(moderation: ModerationApp) -> None:
    first = await moderation.submitted()
    await moderation.submitted(revision=2)

    old = await moderation.stored(first.case_id)
    assert old is not None
    assert old.status is CaseStatus.DECIDED


async def test_the_same_revision_again_is_left_alone(moderation: ModerationApp, published: Published) -> None:
    first = await moderation.submitted(content(description=PHONE))
    published.clear()

    assert await moderation.submit(content(description=PHONE)) is None
    assert await moderation.submit() is None  # even with other content: the revision already has its case

    assert published.types() == []
    assert list(moderation.tables.cases.rows) == [first.case_id]


async def test_an_older_revision_arriving_late_is_left_alone(moderation: ModerationApp, published: Published) -> None:
    newer = await moderation.submitted(content(description=PHONE), revision=3)
    published.clear()

    assert await moderation.submit(revision=2) is None

    assert published.types() == []
    stored = await moderation.stored(newer.case_id)
    assert stored is not None
    assert stored.status is CaseStatus.OPEN


# Duplicates


async def test_the_sellers_second_listing_with_the_same_title_and_brand_waits(moderation: ModerationApp) -> None:
    await moderation.submitted(product_id="product-1")

    second = await moderation.submitted(content(title="BLUE enamel mug", sku="MUG-2"), product_id="product-2")

    assert second.status is CaseStatus.OPEN
    assert [f.reason for f in second.findings] == [
        "the seller already has an approved listing with this title and brand (product-1)"
    ]


async def test_another_sellers_copied_description_waits(moderation: ModerationApp) -> None:
    await moderation.submitted(product_id="product-1")

    copy = await moderation.submitted(content(title="Camping mug"), product_id="product-7", seller_id=OTHER_SELLER)

    assert copy.status is CaseStatus.OPEN
    assert [f.rule for f in copy.findings] == ["duplicates"]


async def test_a_new_revision_is_not_a_duplicate_of_its_approved_self(moderation: ModerationApp) -> None:
    await moderation.submitted()

    again = await moderation.submitted(content(price=Money(1500, "EUR")), revision=2)

    assert again.status is CaseStatus.DECIDED
    assert again.findings == []


async def test_rejected_and_waiting_listings_are_not_duplicated(moderation: ModerationApp) -> None:
    bad_attribute = (SubmittedAttribute("volume_ml", "number", "big"),)
    rejected = await moderation.submitted(content(attributes=bad_attribute), product_id="product-1")
    waiting = await moderation.submitted(content(title="Green mug", description=PHONE), product_id="product-2")

    same_as_rejected = await moderation.submitted(product_id="product-3")
    same_as_waiting = await moderation.submitted(content(title="Green mug"), product_id="product-4")

    assert (rejected.status, waiting.status) == (CaseStatus.DECIDED, CaseStatus.OPEN)
    assert same_as_rejected.status is same_as_waiting.status is CaseStatus.DECIDED
    assert same_as_rejected.findings == same_as_waiting.findings == []
