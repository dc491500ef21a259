"""The review's life (submit, decide, edit, report, delete) and the ratings' arithmetic, without storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.reviews.events import (
    RatingUpdated,
    ReviewDeleted,
    ReviewPublished,
    ReviewRejected,
    ReviewRemoved,
    ReviewSubmitted,
)
from core.reviews.model import Review, ReviewContent, ReviewStatus
from core.reviews.ratings import Contribution, RatedSubject, Rating, position
from core.shared.errors import NotFound

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
GOOD = ReviewContent(5, "Lovely mug", "Keeps the coffee warm for a long time.")


def review() -> Review:
    return Review.submit(
        review_id="r1",
        product_id="p1",
        seller_id="s1",
        author_id="u1",
        author_name="Ann",
        verified=True,
        content=GOOD,
        now=NOW,
    )


def kinds(r: Review) -> list[type]:
    return [type(e) for e in r.pull_events()]


def test_a_submitted_review_waits_for_moderation_and_asks_for_it() -> None:
    r = review()
    assert (r.status, r.revision, r.live) == (ReviewStatus.PENDING, 1, None)
    [event] = r.pull_events()
    assert isinstance(event, ReviewSubmitted)
    assert (event.revision, event.rating, event.verified, event.reports) == (1, 5, True, 0)


def test_an_approval_publishes_the_revision_it_names_only() -> None:
    r = review()
    r.pull_events()
    assert not r.decide(2, True, (), NOW)  # no such revision
    assert r.decide(1, True, (), NOW)
    assert r.status is ReviewStatus.PUBLISHED
    assert r.live is not None
    assert r.live.content == GOOD
    assert kinds(r) == [ReviewPublished]
    assert not r.decide(1, True, (), NOW)  # the same decision again changes nothing
    assert kinds(r) == []


def test_an_edit_keeps_the_published_revision_shown_until_it_is_decided() -> None:
    r = review()
    r.decide(1, True, (), NOW)
    r.pull_events()
    changed = ReviewContent(4, "Lovely mug", "Still good, but the glaze chipped after a month.")
    r.edit(changed, NOW)
    assert (r.status, r.revision, r.shown) == (ReviewStatus.PENDING, 2, True)
    assert r.live is not None
    assert r.live.revision == 1
    assert kinds(r) == [ReviewSubmitted]
    assert not r.decide(1, False, ("late",), NOW)  # a decision on the replaced revision is ignored
    r.decide(2, False, ("Links are not allowed",), NOW)
    assert r.status is ReviewStatus.REJECTED
    assert r.rejection_reasons == ("Links are not allowed",)
    assert r.live is not None
    assert r.live.revision == 1
    assert kinds(r) == [ReviewRejected]


def test_enough_reports_take_a_review_down_and_back_to_moderation() -> None:
    r = review()
    r.decide(1, True, (), NOW)
    r.pull_events()
    assert not r.report(3, NOW)
    assert not r.report(3, NOW)
    assert r.shown
    assert r.report(3, NOW)
    assert (r.status, r.revision, r.live, r.content) == (ReviewStatus.PENDING, 2, None, GOOD)
    removed, submitted = r.pull_events()
    assert isinstance(removed, ReviewRemoved)
    assert (removed.revision, removed.reason) == (1, "reported")
    assert isinstance(submitted, ReviewSubmitted)
    assert (submitted.revision, submitted.reports) == (2, 3)
    with pytest.raises(NotFound):
        r.report(3, NOW)  # hidden meanwhile: nobody can report it
    r.decide(2, True, (), NOW)
    assert r.reports == 0
    assert r.shown


def test_deleting_removes_the_published_text_at_the_latest_revision() -> None:
    r = review()
    r.decide(1, True, (), NOW)
    r.edit(ReviewContent(3, "Lovely mug", "Changed my mind about the handle."), NOW)
    r.pull_events()
    r.delete(NOW)
    removed, deleted = r.pull_events()
    assert isinstance(removed, ReviewRemoved)
    assert removed.revision == 2
    assert isinstance(deleted, ReviewDeleted)
    assert not r.shown
    assert r.status is ReviewStatus.DELETED
    assert not r.decide(2, True, (), NOW)  # the pending edit's decision comes too late
    with pytest.raises(NotFound):
        r.delete(NOW)


def test_only_the_products_seller_answers() -> None:
    r = review()
    with pytest.raises(NotFound):
        r.answer_as("s1", "Thank you!", NOW)  # not published yet
    r.decide(1, True, (), NOW)
    with pytest.raises(NotFound):
        r.answer_as("s2", "Thank you!", NOW)
    r.answer_as("s1", "Thank you!", NOW)
    assert r.answer is not None
    assert r.answer.text == "Thank you!"


def test_a_rating_counts_stars_and_says_so() -> None:
    rating = Rating(RatedSubject.PRODUCT, "p1")
    rating.change(None, 5, NOW)
    rating.change(None, 4, NOW)
    rating.change(None, 4, NOW)
    assert (rating.count, rating.average, rating.stars, rating.version) == (3, 4.33, [0, 0, 0, 2, 1], 3)
    rating.change(4, 2, NOW)
    rating.change(5, None, NOW)
    assert (rating.count, rating.average, rating.stars) == (2, 3.0, [0, 1, 0, 1, 0])
    rating.change(3, 3, NOW)  # no change, no event
    events = rating.pull_events()
    assert len(events) == 5
    assert all(isinstance(e, RatingUpdated) for e in events)
    last = events[-1]
    assert isinstance(last, RatingUpdated)
    assert (last.count, last.average, last.stars, last.version) == (2, 3.0, [0, 1, 0, 1, 0], 5)


def test_a_removal_stands_after_the_publication_of_the_same_revision() -> None:
    published = Contribution("r1", "p1", "s1", position(1, removed=False), 5)
    assert published.superseded_by(position(1, removed=True))
    assert published.superseded_by(position(2, removed=False))
    removed = Contribution("r1", "p1", "s1", position(1, removed=True), None)
    assert not removed.superseded_by(position(1, removed=False))
    assert not removed.superseded_by(position(1, removed=True))
