"""Reviews through the moderation use cases: published at once when clean, queued otherwise, withdrawn when
the author deletes them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.moderation.commands import CaseView, ListCases, OpenCase, WithdrawCase
from core.moderation.events import CaseOpened, ModerationDecided
from core.moderation.model import CaseStatus, Subject, SubmittedContent
from core.moderation.rules import ModerationPolicy
from core.shared.errors import Conflict

from ..harness import Published
from .conftest import MODERATOR, ModerationApp, content

AUTHOR = "customer-7"
CLEAN_REVIEW = SubmittedContent(
    title="Sturdy and warm",
    description="I have used this mug on camping trips for two years. 5 stars, worth the 1,200 I paid.",
    rating=5,
    image_count=2,
)
PHONE_REVIEW = SubmittedContent(title="Good", description="Call me on +49 30 1234567, I sell mine cheaper", rating=4)


async def review(
    moderation: ModerationApp,
    submitted: SubmittedContent = CLEAN_REVIEW,
    *,
    review_id: str = "review-1",
    revision: int = 1,
    author: str = AUTHOR,
    reports: int = 0,
) -> CaseView:
    """What the consumer does with a reviews.ReviewSubmitted."""
    subject = Subject("review", review_id, revision, author)
    view = await moderation.open_case(OpenCase(subject, submitted, reports=reports))
    assert view is not None
    return view


async def test_a_clean_review_is_approved_by_the_rules(moderation: ModerationApp, published: Published) -> None:
    view = await review(moderation)

    assert view.status is CaseStatus.DECIDED
    assert view.findings == []
    assert view.content.rating == 5
    [decided] = published.of(ModerationDecided)
    assert (decided.subject_type, decided.subject_id, decided.revision) == ("review", "review-1", 1)
    assert (decided.approved, decided.reasons, decided.decided_by) == (True, [], "rules")


async def test_a_review_with_a_phone_number_waits_for_a_moderator(
    moderation: ModerationApp, published: Published
) -> None:
    view = await review(moderation, PHONE_REVIEW)

    assert view.status is CaseStatus.OPEN
    assert [f.reason for f in view.findings] == ["the text contains a phone number"]
    assert published.types() == ["moderation.CaseOpened.v1"]
    assert published.of(CaseOpened)[0].needs_human is True
    queue = await moderation.list_cases(ListCases(MODERATOR))
    assert [c.case_id for c in queue.items] == [view.case_id]


async def test_a_banned_word_never_rejects_a_review(moderation: ModerationApp, published: Published) -> None:
    view = await review(moderation, SubmittedContent(title="Fake", description="It is a counterfeit, avoid"))

    assert view.status is CaseStatus.OPEN
    assert published.of(ModerationDecided) == []


async def test_reviews_are_not_held_as_duplicates_of_each_other(moderation: ModerationApp) -> None:
    first = await review(moderation, review_id="review-1")
    second = await review(moderation, review_id="review-2", author="customer-8")

    assert first.status is second.status is CaseStatus.DECIDED
    assert moderation.tables.fingerprints.rows == {}


async def test_a_reported_review_goes_to_a_moderator(moderation: ModerationApp) -> None:
    await review(moderation)

    again = await review(moderation, revision=2, reports=3)

    assert again.status is CaseStatus.OPEN
    assert [f.reason for f in again.findings] == ["reported by 3 customers"]


# The burst


async def test_more_reviews_than_the_limit_within_the_window_wait(moderation: ModerationApp) -> None:
    moderation.policy = ModerationPolicy(review_burst_limit=2, review_burst_window=timedelta(hours=1))
    views = []
    for n in range(1, 4):
        views.append(await review(moderation, review_id=f"review-{n}"))
        moderation.clock.advance(60)
    other_author = await review(moderation, review_id="review-9", author="customer-8")

    assert [v.status for v in views] == [CaseStatus.DECIDED, CaseStatus.DECIDED, CaseStatus.OPEN]
    assert [f.reason for f in views[2].findings] == ["3 reviews from this account within 1 hour: more than 2"]
    assert other_author.status is CaseStatus.DECIDED


async def test_reviews_spread_beyond_the_window_are_no_burst(moderation: ModerationApp) -> None:
    moderation.policy = ModerationPolicy(review_burst_limit=1, review_burst_window=timedelta(hours=1))
    await review(moderation, review_id="review-1")
    moderation.clock.advance(3601)

    later = await review(moderation, review_id="review-2")

    assert later.status is CaseStatus.DECIDED


async def test_a_sellers_listings_do_not_count_towards_a_review_burst(moderation: ModerationApp) -> None:
    moderation.policy = ModerationPolicy(review_burst_limit=1)
    await moderation.submitted(product_id="product-1", seller_id=AUTHOR)
    await moderation.submitted(content(title="Green mug"), product_id="product-2", seller_id=AUTHOR)

    view = await review(moderation)

    assert view.status is CaseStatus.DECIDED


# Withdrawal


async def test_a_deleted_reviews_waiting_case_is_withdrawn(moderation: ModerationApp, published: Published) -> None:
    waiting = await review(moderation, PHONE_REVIEW)
    moderation.clock.advance(120)
    published.clear()

    [withdrawn] = await moderation.withdraw(WithdrawCase("review", "review-1", 1))

    assert withdrawn.case_id == waiting.case_id
    assert withdrawn.status is CaseStatus.SUPERSEDED
    assert withdrawn.decision is None
    assert withdrawn.updated_at == moderation.clock.now()
    assert [(e.action, e.by, e.reasons) for e in withdrawn.history][-1] == (
        "withdrawn",
        "system",
        ("the author deleted the review",),
    )
    assert published.types() == []  # nothing to publish: the review is gone
    assert (await moderation.list_cases(ListCases(MODERATOR))).items == []
    stored = await moderation.stored(waiting.case_id)
    assert stored is not None
    assert stored.status is CaseStatus.SUPERSEDED


async def test_withdrawing_leaves_decided_cases_later_revisions_and_other_subjects(
    moderation: ModerationApp,
) -> None:
    decided = await review(moderation, revision=1)
    newer = await review(moderation, PHONE_REVIEW, revision=3)
    other = await review(moderation, PHONE_REVIEW, review_id="review-2")
    product = await moderation.submitted(content(description=PHONE_REVIEW.description), product_id="review-1")

    assert await moderation.withdraw(WithdrawCase("review", "review-1", 2)) == []

    for view in (decided, newer, other, product):
        stored = await moderation.stored(view.case_id)
        assert stored is not None
        assert stored.status is view.status


async def test_withdrawing_twice_changes_nothing_more(moderation: ModerationApp) -> None:
    await review(moderation, PHONE_REVIEW)
    await moderation.withdraw(WithdrawCase("review", "review-1", 1))

    assert await moderation.withdraw(WithdrawCase("review", "review-1", 1)) == []
    assert await moderation.withdraw(WithdrawCase("review", "review-404", 1)) == []


async def test_only_an_open_case_can_be_withdrawn(moderation: ModerationApp) -> None:
    view = await review(moderation)
    case = await moderation.stored(view.case_id)
    assert case is not None

    with pytest.raises(Conflict):
        case.withdraw(moderation.clock.now())


# The queue by subject type


async def test_the_queue_shows_products_or_reviews_or_both(moderation: ModerationApp) -> None:
    product = await moderation.submitted(content(description=PHONE_REVIEW.description))
    moderation.clock.advance(1)
    waiting = await review(moderation, PHONE_REVIEW)

    everything = await moderation.list_cases(ListCases(MODERATOR))
    reviews = await moderation.list_cases(ListCases(MODERATOR, subject_type="review"))
    products = await moderation.list_cases(ListCases(MODERATOR, subject_type="product"))

    assert [c.case_id for c in everything.items] == [product.case_id, waiting.case_id]
    assert [(c.case_id, c.subject_type) for c in reviews.items] == [(waiting.case_id, "review")]
    assert [c.case_id for c in products.items] == [product.case_id]
