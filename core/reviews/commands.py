"""Commands and results of the reviews use cases."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.reviews.model import ReviewSort, ReviewStatus
from core.reviews.ratings import RatedSubject
from core.shared.images import UploadInstructions
from core.shared.pagination import PageRequest
from core.shared.security import Principal


@attrs.frozen
class NewReview:
    principal: Principal
    product_id: str
    rating: int
    title: str
    text: str
    photo_ids: tuple[str, ...] = ()
    author_name: str | None = None  # the name shown with the review; "A customer" when not given


@attrs.frozen
class ReviewEdit:
    """A new revision: the fields given replace the current revision's, the others are kept."""

    principal: Principal
    review_id: str
    rating: int | None = None
    title: str | None = None
    text: str | None = None
    photo_ids: tuple[str, ...] | None = None


@attrs.frozen
class ReviewDeletion:
    principal: Principal
    review_id: str


@attrs.frozen
class PhotoUpload:
    """A customer asks where to send a photo for a review: its type and size, checked again on submit."""

    principal: Principal
    content_type: str
    size: int


@attrs.frozen
class PhotoUploadView:
    photo_id: str
    upload: UploadInstructions


@attrs.frozen
class HelpfulVote:
    principal: Principal
    review_id: str
    helpful: bool  # False takes the vote back


@attrs.frozen
class ReviewReport:
    principal: Principal
    review_id: str
    reason: str


@attrs.frozen
class SellerReply:
    principal: Principal
    review_id: str
    text: str | None  # None withdraws the answer


@attrs.frozen
class ApplyReviewModeration:
    """Moderation decided on a revision (from moderation.ModerationDecided)."""

    review_id: str
    revision: int
    approved: bool
    reasons: tuple[str, ...]


@attrs.frozen
class OrderedProduct:
    product_id: str
    seller_id: str


@attrs.frozen
class OrderedProducts:
    """A customer ordered these products (from orders.OrderPlaced)."""

    order_id: str
    customer_id: str
    lines: tuple[OrderedProduct, ...]
    at: datetime


@attrs.frozen
class OrderReceived:
    """The order reached its customer (from orders.OrderDelivered)."""

    order_id: str
    at: datetime


@attrs.frozen
class ProductReviewsQuery:
    product_id: str
    sort: ReviewSort = ReviewSort.NEWEST
    stars: tuple[int, ...] = ()
    with_photos: bool = False
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class GetReview:
    review_id: str


@attrs.frozen
class MyReviews:
    principal: Principal
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class GetMyReview:
    principal: Principal
    review_id: str


@attrs.frozen
class SellerReviewsQuery:
    principal: Principal
    product_id: str | None = None
    unanswered: bool = False
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class RatingChange:
    """A review's published stars changed (from ReviewPublished: ``stars``; ReviewRemoved: None)."""

    review_id: str
    product_id: str
    seller_id: str
    revision: int
    stars: int | None


@attrs.frozen
class RatingQuery:
    subject_type: RatedSubject
    subject_id: str


@attrs.frozen
class AnswerView:
    text: str
    answered_at: datetime


@attrs.frozen
class PublicReview:
    """A review as the shop shows it: its published revision."""

    id: str
    product_id: str
    rating: int
    title: str
    text: str
    photo_urls: list[str]
    author_name: str
    verified: bool
    helpful: int
    answer: AnswerView | None
    published_at: datetime
    edited: bool  # the published revision is not the first


@attrs.frozen
class AuthorReview:
    """A review as its author sees it: the latest revision, where moderation stands with it, and the
    revision the shop shows (if any)."""

    id: str
    product_id: str
    status: ReviewStatus
    revision: int
    rating: int
    title: str
    text: str
    photo_urls: list[str]
    author_name: str
    verified: bool
    rejection_reasons: list[str]
    published_revision: int | None
    helpful: int
    answer: AnswerView | None
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class RatingView:
    count: int
    average: float
    stars: list[int]  # stars[n - 1]: reviews giving n stars
