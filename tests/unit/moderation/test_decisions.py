"""Moderators work the queue: list it, read a case, approve or reject it once."""

from __future__ import annotations

import pytest

from core.moderation.commands import Approve, GetCase, ListCases, Reject
from core.moderation.events import ModerationDecided
from core.moderation.model import CaseStatus
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.shared.pagination import PageRequest

from ..harness import Published
from .conftest import ADMIN, CUSTOMER, MODERATOR, ModerationApp, content

PHONE = "A sturdy enamel mug. Call me on +49 30 1234567 for a discount."


async def waiting(moderation: ModerationApp, product_id: str = "product-1") -> str:
    view = await moderation.submitted(content(description=PHONE), product_id=product_id)
    assert view.status is CaseStatus.OPEN
    return view.case_id


async def test_a_moderator_approves_an_open_case(moderation: ModerationApp, published: Published) -> None:
    case_id = await waiting(moderation)
    moderation.clock.advance(300)
    published.clear()

    view = await moderation.approve(Approve(MODERATOR, case_id))

    assert view.status is CaseStatus.DECIDED
    assert view.decision is not None
    assert (view.decision.approved, view.decision.reasons, view.decision.decided_by) == (True, (), MODERATOR.user_id)
    assert view.decision.decided_at == view.updated_at == moderation.clock.now()
    assert [(e.action, e.by) for e in view.history] == [("opened", "rules"), ("approved", MODERATOR.user_id)]
    [decided] = published.of(ModerationDecided)
    assert (decided.case_id, decided.subject_id, decided.revision, decided.approved, decided.decided_by) == (
        case_id,
        "product-1",
        1,
        True,
        MODERATOR.user_id,
    )
    assert await moderation.stored(case_id) is not None


async def test_an_approved_listing_counts_for_the_duplicate_rule(moderation: ModerationApp) -> None:
    await moderation.approve(Approve(MODERATOR, await waiting(moderation)))

    again = await moderation.submitted(content(title="Blue enamel mug"), product_id="product-2")

    assert [f.rule for f in again.findings] == ["duplicates"]


async def test_a_moderator_rejects_with_reasons(moderation: ModerationApp, published: Published) -> None:
    case_id = await waiting(moderation)
    published.clear()

    view = await moderation.reject(
        Reject(MODERATOR, case_id, ["  Contact details   are not allowed ", "Remove the phone number"])
    )

    assert view.decision is not None
    assert view.decision.approved is False
    assert view.decision.reasons == ("Contact details are not allowed", "Remove the phone number")
    assert view.history[-1].action == "rejected"
    assert view.history[-1].reasons == view.decision.reasons
    [decided] = published.of(ModerationDecided)
    assert (decided.approved, decided.reasons, decided.decided_by) == (
        False,
        ["Contact details are not allowed", "Remove the phone number"],
        MODERATOR.user_id,
    )


async def test_an_admin_may_decide_too(moderation: ModerationApp) -> None:
    view = await moderation.approve(Approve(ADMIN, await waiting(moderation)))
    assert view.decision is not None
    assert view.decision.decided_by == ADMIN.user_id


async def test_deciding_twice_is_a_conflict(moderation: ModerationApp, published: Published) -> None:
    case_id = await waiting(moderation)
    await moderation.approve(Approve(MODERATOR, case_id))
    published.clear()

    with pytest.raises(Conflict, match="this case is decided"):
        await moderation.reject(Reject(MODERATOR, case_id, ["Changed my mind"]))
    with pytest.raises(Conflict):
        await moderation.approve(Approve(MODERATOR, case_id))

    assert published.types() == []
    stored = await moderation.stored(case_id)
    assert stored is not None
    assert stored.decision is not None
    assert stored.decision.approved is True


async def test_a_case_the_rules_decided_cannot_be_decided_again(moderation: ModerationApp) -> None:
    view = await moderation.submitted()
    with pytest.raises(Conflict):
        await moderation.reject(Reject(MODERATOR, view.case_id, ["Not on my watch"]))


async def test_a_superseded_case_cannot_be_decided(moderation: ModerationApp, published: Published) -> None:
    case_id = await waiting(moderation)
    await moderation.submitted(content(description=PHONE), revision=2)
    published.clear()

    with pytest.raises(Conflict, match="this case is superseded"):
        await moderation.approve(Approve(MODERATOR, case_id))
    assert published.types() == []


async def test_a_stale_copy_cannot_overwrite_a_decision(moderation: ModerationApp) -> None:
    case_id = await waiting(moderation)
    approve, reject = moderation.approve, moderation.reject
    # Both moderators read the open case before either decides.
    async with approve.uow() as first, reject.uow() as second:
        mine = await first.cases.get(case_id)
        theirs = await second.cases.get(case_id)
        assert mine is not None
        assert theirs is not None
        mine.decide(approved=True, reasons=(), by="moderator-1", now=moderation.clock.now())
        await first.cases.update(mine)
        await first.commit()
        theirs.decide(approved=False, reasons=["Too late"], by="moderator-2", now=moderation.clock.now())
        with pytest.raises(Conflict, match="changed meanwhile"):
            await second.cases.update(theirs)

    stored = await moderation.stored(case_id)
    assert stored is not None
    assert stored.decision is not None
    assert stored.decision.decided_by == "moderator-1"


@pytest.mark.parametrize(
    ("reasons", "field"),
    [
        ([], "reasons"),
        ([f"reason number {n}" for n in range(11)], "reasons"),
        (["ok"], "reasons.0"),
        (["A fine reason", "   no   "], "reasons.1"),
        (["x" * 301], "reasons.0"),
        (["bad\x00reason"], "reasons.0"),
    ],
)
async def test_bad_reasons_are_refused_and_change_nothing(
    moderation: ModerationApp, published: Published, reasons: list[str], field: str
) -> None:
    case_id = await waiting(moderation)
    published.clear()

    with pytest.raises(ValidationFailed) as raised:
        await moderation.reject(Reject(MODERATOR, case_id, reasons))

    assert [e.field for e in raised.value.errors] == [field]
    stored = await moderation.stored(case_id)
    assert stored is not None
    assert stored.status is CaseStatus.OPEN
    assert published.types() == []


async def test_an_unknown_case_is_not_found(moderation: ModerationApp) -> None:
    for use_case, command in [
        (moderation.show, GetCase(MODERATOR, "no-such-case")),
        (moderation.approve, Approve(MODERATOR, "no-such-case")),
        (moderation.reject, Reject(MODERATOR, "no-such-case", ["A good reason"])),
    ]:
        with pytest.raises(NotFound):
            await use_case(command)


async def test_only_moderators_and_admins_see_or_decide(moderation: ModerationApp) -> None:
    case_id = await waiting(moderation)
    for use_case, command in [
        (moderation.list_cases, ListCases(CUSTOMER)),
        (moderation.show, GetCase(CUSTOMER, case_id)),
        (moderation.approve, Approve(CUSTOMER, case_id)),
        (moderation.reject, Reject(CUSTOMER, case_id, ["A good reason"])),
    ]:
        with pytest.raises(PermissionDenied):
            await use_case(command)
    stored = await moderation.stored(case_id)
    assert stored is not None
    assert stored.status is CaseStatus.OPEN


async def test_a_case_shows_content_findings_and_history(moderation: ModerationApp) -> None:
    case_id = await waiting(moderation)

    view = await moderation.show(GetCase(MODERATOR, case_id))

    assert view.content == content(description=PHONE)
    assert (view.subject_type, view.subject_id, view.revision, view.owner_id) == ("product", "product-1", 1, "seller-1")
    assert [f.reason for f in view.findings] == [
        "the description contains a phone number: sellers must not take buyers off the platform"
    ]
    assert [e.action for e in view.history] == ["opened"]


async def test_the_queue_lists_the_oldest_open_case_first_page_by_page(moderation: ModerationApp) -> None:
    opened = []
    for n in range(5):
        opened.append(await waiting(moderation, f"product-{n}"))
        moderation.clock.advance(10)
    await moderation.submitted(product_id="product-clean")  # decided at once: never in the queue

    seen, cursor = [], None
    while True:
        page = await moderation.list_cases(ListCases(MODERATOR, page=PageRequest(2, cursor)))
        seen.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert [c.case_id for c in seen] == opened
    assert {c.status for c in seen} == {CaseStatus.OPEN}
    assert seen[0].title == "Blue Enamel Mug"
    assert seen[0].findings[0].rule == "contact_details"


async def test_closed_cases_list_most_recently_closed_first(moderation: ModerationApp) -> None:
    first, second, third = [await waiting(moderation, f"product-{n}") for n in range(3)]
    await moderation.reject(Reject(MODERATOR, second, ["Not allowed here"]))
    moderation.clock.advance(10)
    await moderation.approve(Approve(MODERATOR, first))
    moderation.clock.advance(10)
    await moderation.submitted(content(description=PHONE), product_id="product-2", revision=2)

    decided = await moderation.list_cases(ListCases(MODERATOR, CaseStatus.DECIDED))
    superseded = await moderation.list_cases(ListCases(MODERATOR, CaseStatus.SUPERSEDED))
    still_open = await moderation.list_cases(ListCases(MODERATOR))

    assert [c.case_id for c in decided.items] == [first, second]
    assert [c.case_id for c in superseded.items] == [third]
    assert [c.subject_id for c in still_open.items] == ["product-2"]


async def test_a_cursor_the_api_never_gave_is_refused(moderation: ModerationApp) -> None:
    from core.shared.pagination import encode_cursor

    for cursor in ["%%%", encode_cursor(["x"]), encode_cursor(["not a time", "id"]), encode_cursor([1, 2])]:
        with pytest.raises(ValidationFailed) as raised:
            await moderation.list_cases(ListCases(MODERATOR, page=PageRequest(5, cursor)))
        assert raised.value.errors[0].field == "cursor"
