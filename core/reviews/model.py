"""Reviews: what a customer wrote about a product, revision by revision, and what the shop shows of it.

    submit --> pending --moderation approves--> published --edit--> pending (the published text stays
                  \\                                 |                         shown until a decision)
                   \\--moderation rejects--> rejected  \\--enough reports--> pending (hidden meanwhile)
    delete (any time) --> deleted

Every submitted revision goes to moderation (``ReviewSubmitted``); a decision applies only to the revision
it names, so a decision on a revision an edit has replaced changes nothing. ``live`` is the revision the
shop shows. A review of a product its author received is ``verified``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

import attrs

from core.reviews.events import (
    ReviewAnswered,
    ReviewDeleted,
    ReviewPublished,
    ReviewRejected,
    ReviewRemoved,
    ReviewSubmitted,
)
from core.shared.errors import NotFound
from core.shared.events import Aggregate

STARS = 5


class ReviewStatus(StrEnum):
    PENDING = "pending"  # the latest revision waits for moderation
    PUBLISHED = "published"
    REJECTED = "rejected"
    DELETED = "deleted"


class ReviewSort(StrEnum):
    NEWEST = "newest"
    HELPFUL = "helpful"
    RATING_DESC = "rating_desc"
    RATING_ASC = "rating_asc"


@attrs.frozen
class ReviewPhoto:
    photo_id: str
    key: str  # the object's key in the media store
    content_type: str


@attrs.frozen
class ReviewContent:
    rating: int  # 1 to 5 stars
    title: str
    text: str
    photos: tuple[ReviewPhoto, ...] = ()


@attrs.frozen
class LiveRevision:
    revision: int
    content: ReviewContent
    published_at: datetime


@attrs.frozen
class SellerAnswer:
    text: str
    answered_at: datetime


@attrs.define
class Review(Aggregate):
    id: str
    product_id: str
    seller_id: str
    author_id: str
    author_name: str
    verified: bool
    revision: int
    content: ReviewContent
    status: ReviewStatus
    created_at: datetime
    updated_at: datetime
    live: LiveRevision | None = None
    rejection_reasons: tuple[str, ...] = ()
    helpful: int = 0  # "was this helpful" votes
    reports: int = 0  # reports against the published text since it was last published
    answer: SellerAnswer | None = None
    # Bumped by the repository on every stored change: a stale copy cannot overwrite a newer one.
    version: int = 1

    @classmethod
    def submit(
        cls,
        *,
        review_id: str,
        product_id: str,
        seller_id: str,
        author_id: str,
        author_name: str,
        verified: bool,
        content: ReviewContent,
        now: datetime,
    ) -> Review:
        review = cls(
            review_id,
            product_id,
            seller_id,
            author_id,
            author_name,
            verified,
            1,
            content,
            ReviewStatus.PENDING,
            now,
            now,
        )
        review._submitted(now)
        return review

    def _submitted(self, now: datetime) -> None:
        c = self.content
        self.record(
            ReviewSubmitted(
                occurred_at=now,
                review_id=self.id,
                product_id=self.product_id,
                seller_id=self.seller_id,
                author_id=self.author_id,
                revision=self.revision,
                rating=c.rating,
                title=c.title,
                text=c.text,
                photo_count=len(c.photos),
                verified=self.verified,
                reports=self.reports,
            )
        )

    @property
    def shown(self) -> bool:
        return self.live is not None and self.status is not ReviewStatus.DELETED

    def _require_not_deleted(self) -> None:
        if self.status is ReviewStatus.DELETED:
            raise NotFound("no such review")

    def edit(self, content: ReviewContent, now: datetime) -> None:
        """A new revision for moderation; the published one (if any) stays shown until it is decided."""
        self._require_not_deleted()
        self.revision += 1
        self.content = content
        self.status = ReviewStatus.PENDING
        self.rejection_reasons = ()
        self.updated_at = now
        self._submitted(now)

    def decide(self, revision: int, approved: bool, reasons: Sequence[str], now: datetime) -> bool:
        """Apply moderation's decision on ``revision``; False (nothing changes) when it is not the revision
        waiting for one (an edit replaced it, the review was deleted, or the decision came twice)."""
        if revision != self.revision or self.status is not ReviewStatus.PENDING:
            return False
        self.updated_at = now
        if approved:
            self.live = LiveRevision(revision, self.content, now)
            self.status = ReviewStatus.PUBLISHED
            self.reports = 0
            self.record(
                ReviewPublished(
                    occurred_at=now,
                    review_id=self.id,
                    product_id=self.product_id,
                    seller_id=self.seller_id,
                    author_id=self.author_id,
                    revision=revision,
                    rating=self.content.rating,
                )
            )
        else:
            self.status = ReviewStatus.REJECTED
            self.rejection_reasons = tuple(reasons)
            self.record(
                ReviewRejected(
                    occurred_at=now,
                    review_id=self.id,
                    product_id=self.product_id,
                    author_id=self.author_id,
                    revision=revision,
                    reasons=list(reasons),
                )
            )
        return True

    def _remove(self, revision: int, reason: str, now: datetime) -> None:
        self.live = None
        self.record(
            ReviewRemoved(
                occurred_at=now,
                review_id=self.id,
                product_id=self.product_id,
                seller_id=self.seller_id,
                revision=revision,
                reason=reason,
            )
        )

    def delete(self, now: datetime) -> None:
        self._require_not_deleted()
        if self.live is not None:
            self._remove(self.revision, "deleted", now)
        self.status = ReviewStatus.DELETED
        self.updated_at = now
        self.record(
            ReviewDeleted(
                occurred_at=now,
                review_id=self.id,
                product_id=self.product_id,
                author_id=self.author_id,
                revision=self.revision,
            )
        )

    def report(self, threshold: int, now: datetime) -> bool:
        """One more customer reports the published text; at ``threshold`` reports it is taken down and
        goes back to moderation as a new revision of the same content. True when that happened."""
        if not self.shown or self.live is None:
            raise NotFound("no such review")
        self.reports += 1
        if self.reports < threshold or self.status is not ReviewStatus.PUBLISHED:
            return False
        live = self.live
        self._remove(live.revision, "reported", now)
        self.revision += 1
        self.content = live.content
        self.status = ReviewStatus.PENDING
        self.updated_at = now
        self._submitted(now)
        return True

    def answer_as(self, seller_id: str, text: str, now: datetime) -> None:
        """The product's seller answers in public, once (a new answer replaces it)."""
        if not self.shown:
            raise NotFound("no such review")
        if seller_id != self.seller_id:
            raise NotFound("no such review")
        self.answer = SellerAnswer(text, now)
        self.record(
            ReviewAnswered(
                occurred_at=now,
                review_id=self.id,
                product_id=self.product_id,
                seller_id=self.seller_id,
                author_id=self.author_id,
            )
        )

    def withdraw_answer(self, seller_id: str) -> None:
        if seller_id != self.seller_id or self.status is ReviewStatus.DELETED:
            raise NotFound("no such review")
        if self.answer is None:
            raise NotFound("this review has no answer")
        self.answer = None


@attrs.frozen
class Purchase:
    """A product a customer ordered, and when it reached them: what makes a review verified."""

    order_id: str
    product_id: str
    customer_id: str
    seller_id: str
    ordered_at: datetime
    received_at: datetime | None = None
