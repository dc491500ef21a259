"""Events of the reviews context.

A review's events are keyed by the review, so each review's revisions arrive in order. Moderation opens a
case on ``ReviewSubmitted``; the ratings follow ``ReviewPublished`` and ``ReviewRemoved``; the author's
client shows ``ReviewPublished`` and ``ReviewRejected``. ``RatingUpdated`` (keyed by the rated product or
seller) carries a ratings aggregate whole, so a reader keeps the latest it has seen.
"""

from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event


@domain_event("reviews.ReviewSubmitted.v1", key="review_id")
@attrs.frozen(kw_only=True)
class ReviewSubmitted(Event):
    """A revision asks to be published. ``reports`` is how many customers reported the published text
    when reports sent it back to moderation (0 for a customer's own submission)."""

    review_id: str
    product_id: str
    seller_id: str
    author_id: str
    revision: int
    rating: int
    title: str
    text: str
    photo_count: int
    verified: bool
    reports: int = 0


@domain_event("reviews.ReviewPublished.v1", key="review_id")
@attrs.frozen(kw_only=True)
class ReviewPublished(Event):
    review_id: str
    product_id: str
    seller_id: str
    author_id: str
    revision: int
    rating: int


@domain_event("reviews.ReviewRejected.v1", key="review_id")
@attrs.frozen(kw_only=True)
class ReviewRejected(Event):
    review_id: str
    product_id: str
    author_id: str
    revision: int
    reasons: list[str]


@domain_event("reviews.ReviewRemoved.v1", key="review_id")
@attrs.frozen(kw_only=True)
class ReviewRemoved(Event):
    """The published text is no longer shown (``reason``: "deleted" by its author, "reported" back to
    moderation, "rejected" by a moderator after reports). ``revision`` is the one removed at the latest."""

    review_id: str
    product_id: str
    seller_id: str
    revision: int
    reason: str


@domain_event("reviews.ReviewDeleted.v1", key="review_id")
@attrs.frozen(kw_only=True)
class ReviewDeleted(Event):
    """The author deleted the review: a revision still waiting for moderation is withdrawn."""

    review_id: str
    product_id: str
    author_id: str
    revision: int


@domain_event("reviews.ReviewAnswered.v1", key="review_id")
@attrs.frozen(kw_only=True)
class ReviewAnswered(Event):
    review_id: str
    product_id: str
    seller_id: str
    author_id: str


@domain_event("reviews.RatingUpdated.v1", key="subject_id")
@attrs.frozen(kw_only=True)
class RatingUpdated(Event):
    """A product's or a seller's ratings now: ``stars`` counts the published reviews giving 1 to 5 stars;
    ``version`` grows with every change, so a reader can ignore an older update."""

    subject_type: str  # "product" or "seller"
    subject_id: str
    count: int
    average: float
    stars: list[int]
    version: int
