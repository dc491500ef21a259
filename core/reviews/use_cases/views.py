"""How a review is shown: to the shop (its published revision) and to its author (the latest one)."""

from __future__ import annotations

from core.reviews.commands import AnswerView, AuthorReview, PublicReview
from core.reviews.model import Review, ReviewContent, ReviewStatus, SellerAnswer
from core.reviews.policy import ReviewPolicy
from core.shared.errors import NotFound
from ports.reviews import ReviewsUnitOfWork


def _answer(answer: SellerAnswer | None) -> AnswerView | None:
    return None if answer is None else AnswerView(answer.text, answer.answered_at)


def photo_urls(content: ReviewContent, policy: ReviewPolicy) -> list[str]:
    return [policy.url(p.key) for p in content.photos]


def public_review(review: Review, policy: ReviewPolicy) -> PublicReview:
    live = review.live
    if live is None or not review.shown:
        raise NotFound("no such review")
    c = live.content
    return PublicReview(
        id=review.id,
        product_id=review.product_id,
        rating=c.rating,
        title=c.title,
        text=c.text,
        photo_urls=photo_urls(c, policy),
        author_name=review.author_name,
        verified=review.verified,
        helpful=review.helpful,
        answer=_answer(review.answer),
        published_at=live.published_at,
        edited=live.revision > 1,
    )


def author_review(review: Review, policy: ReviewPolicy) -> AuthorReview:
    c = review.content
    return AuthorReview(
        id=review.id,
        product_id=review.product_id,
        status=review.status,
        revision=review.revision,
        rating=c.rating,
        title=c.title,
        text=c.text,
        photo_urls=photo_urls(c, policy),
        author_name=review.author_name,
        verified=review.verified,
        rejection_reasons=list(review.rejection_reasons),
        published_revision=None if review.live is None else review.live.revision,
        helpful=review.helpful,
        answer=_answer(review.answer),
        created_at=review.created_at,
        updated_at=review.updated_at,
    )


async def shown_review(uow: ReviewsUnitOfWork, review_id: str) -> Review:
    """A review the shop shows; any other is reported as missing."""
    review = await uow.reviews.get(review_id)
    if review is None or not review.shown:
        raise NotFound("no such review")
    return review


async def own_review(uow: ReviewsUnitOfWork, author_id: str, review_id: str) -> Review:
    """The caller's own review; another's, or a deleted one, is reported as missing."""
    review = await uow.reviews.get(review_id)
    if review is None or review.author_id != author_id or review.status is ReviewStatus.DELETED:
        raise NotFound("no such review")
    return review
