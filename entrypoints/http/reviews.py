"""Reviews routes: the shop's reviews and ratings, customers writing, voting and reporting, sellers
answering. Moderators decide on reviews in the moderation queue (entrypoints/http/moderation.py)."""

from __future__ import annotations

from typing import Any

import attrs

from core.reviews import commands as c
from core.reviews import use_cases as uc
from core.reviews.model import STARS, ReviewSort
from core.reviews.policy import (
    ANSWER_MAX,
    AUTHOR_NAME_MAX,
    REPORT_REASON_MAX,
    REPORT_REASON_MIN,
    TEXT_MAX,
    TEXT_MIN,
    TITLE_MAX,
    TITLE_MIN,
)
from core.reviews.ratings import RatedSubject
from core.shared.errors import ValidationFailed
from core.shared.pagination import MAX_LIMIT, PageRequest
from entrypoints.http.routing import PUBLIC, SELLER, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "reviews"
MINE = "/me/reviews/{review_id}"
PHOTO_ID = {"type": "string", "maxLength": 80}
MODERATED = (
    "Every revision goes to moderation: the rules publish a clean one within moments, anything doubtful "
    "(a link, an email address, a phone number, shouting, many reviews at once) waits for a moderator. "
    "The answer's `status` says where it stands; the author reads the outcome in `GET /me/reviews`."
)


STARS_FIELD = limits(minimum=1, maximum=STARS)
TITLE = limits(min_length=TITLE_MIN, max_length=TITLE_MAX)
TEXT = limits(min_length=TEXT_MIN, max_length=TEXT_MAX)
PHOTOS = limits(max_items=20, items=PHOTO_ID)


@attrs.frozen
class ReviewBody:
    """A review: 1 to 5 stars, a title, a text, and optionally photos sent before (`POST /me/review-photos`)
    and the name shown with it (otherwise "A customer")."""

    rating: int = attrs.field(metadata=STARS_FIELD)
    title: str = attrs.field(metadata=TITLE)
    text: str = attrs.field(metadata=TEXT)
    photo_ids: list[str] = attrs.field(factory=list, metadata=PHOTOS)
    author_name: str | None = attrs.field(default=None, metadata=limits(min_length=1, max_length=AUTHOR_NAME_MAX))


@attrs.frozen
class ReviewChanges:
    """The fields to change (none is null); the others are kept. `photo_ids` is the whole new list of photos
    (`[]` removes them)."""

    rating: int | None = attrs.field(default=None, metadata=STARS_FIELD)
    title: str | None = attrs.field(default=None, metadata=TITLE)
    text: str | None = attrs.field(default=None, metadata=TEXT)
    photo_ids: list[str] | None = attrs.field(default=None, metadata=PHOTOS)


@attrs.frozen
class PhotoBody:
    """The photo about to be sent: its content type and its size in bytes."""

    content_type: str = attrs.field(metadata=limits(max_length=100))
    size: int = attrs.field(metadata=limits(minimum=1))


@attrs.frozen
class ReportBody:
    """Why the review should not be shown (moderators read it)."""

    reason: str = attrs.field(metadata=limits(min_length=REPORT_REASON_MIN, max_length=REPORT_REASON_MAX))


@attrs.frozen
class AnswerBody:
    text: str = attrs.field(metadata=limits(min_length=1, max_length=ANSWER_MAX))


@attrs.frozen
class ReviewsQuery:
    """`sort`: newest (the default), helpful, rating_desc or rating_asc; `stars` keeps the reviews giving
    that many stars; `with_photos=true` keeps those with photos."""

    sort: ReviewSort = ReviewSort.NEWEST
    stars: int | None = attrs.field(default=None, metadata=STARS_FIELD)
    with_photos: bool = False
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class PageQuery:
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class SellerReviewsQuery:
    """`product_id` keeps one product's reviews; `unanswered=true` those without your answer yet."""

    product_id: str | None = attrs.field(default=None, metadata=limits(min_length=1, max_length=64))
    unanswered: bool = False
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class ReviewPage:
    items: list[c.PublicReview]
    next_cursor: str | None


@attrs.frozen
class MyReviewPage:
    items: list[c.AuthorReview]
    next_cursor: str | None


async def list_product_reviews(call: Call[None, ReviewsQuery]) -> ReviewPage:
    q = call.query
    command = c.ProductReviewsQuery(
        call.path("product_id"),
        q.sort,
        () if q.stars is None else (q.stars,),
        q.with_photos,
        PageRequest(q.limit, q.cursor),
    )
    page = await call.resolve(uc.ListProductReviews)(command)
    return ReviewPage(list(page.items), page.next_cursor)


async def get_product_rating(call: Call[None, None]) -> c.RatingView:
    return await call.resolve(uc.ShowRating)(c.RatingQuery(RatedSubject.PRODUCT, call.path("product_id")))


async def get_seller_rating(call: Call[None, None]) -> c.RatingView:
    return await call.resolve(uc.ShowRating)(c.RatingQuery(RatedSubject.SELLER, call.path("seller_id")))


async def get_review(call: Call[None, None]) -> c.PublicReview:
    return await call.resolve(uc.ShowReview)(c.GetReview(call.path("review_id")))


async def submit_review(call: Call[ReviewBody, None]) -> c.AuthorReview:
    b = call.body
    command = c.NewReview(
        call.user, call.path("product_id"), b.rating, b.title, b.text, tuple(b.photo_ids), b.author_name
    )
    return await call.resolve(uc.SubmitReview)(command)


async def list_my_reviews(call: Call[None, PageQuery]) -> MyReviewPage:
    command = c.MyReviews(call.user, PageRequest(call.query.limit, call.query.cursor))
    page = await call.resolve(uc.ListMyReviews)(command)
    return MyReviewPage(list(page.items), page.next_cursor)


async def get_my_review(call: Call[None, None]) -> c.AuthorReview:
    return await call.resolve(uc.ShowMyReview)(c.GetMyReview(call.user, call.path("review_id")))


async def edit_my_review(call: Call[ReviewChanges, None]) -> c.AuthorReview:
    b = call.body
    nulls = sorted(k for k in attrs.fields_dict(ReviewChanges) if call.given(k) and getattr(b, k) is None)
    if nulls:  # a review always has stars, a title, a text and a (maybe empty) list of photos
        raise ValidationFailed.of(nulls[0], "must not be null")
    photos = None if b.photo_ids is None else tuple(b.photo_ids)
    command = c.ReviewEdit(call.user, call.path("review_id"), b.rating, b.title, b.text, photos)
    return await call.resolve(uc.EditReview)(command)


async def delete_my_review(call: Call[None, None]) -> None:
    await call.resolve(uc.DeleteReview)(c.ReviewDeletion(call.user, call.path("review_id")))


async def request_review_photo(call: Call[PhotoBody, None]) -> c.PhotoUploadView:
    command = c.PhotoUpload(call.user, call.body.content_type, call.body.size)
    return await call.resolve(uc.RequestReviewPhoto)(command)


async def mark_review_helpful(call: Call[None, None]) -> c.PublicReview:
    return await call.resolve(uc.VoteReviewHelpful)(c.HelpfulVote(call.user, call.path("review_id"), True))


async def unmark_review_helpful(call: Call[None, None]) -> c.PublicReview:
    return await call.resolve(uc.VoteReviewHelpful)(c.HelpfulVote(call.user, call.path("review_id"), False))


async def report_review(call: Call[ReportBody, None]) -> None:
    await call.resolve(uc.ReportReview)(c.ReviewReport(call.user, call.path("review_id"), call.body.reason))


async def list_seller_reviews(call: Call[None, SellerReviewsQuery]) -> ReviewPage:
    q = call.query
    command = c.SellerReviewsQuery(call.user, q.product_id, q.unanswered, PageRequest(q.limit, q.cursor))
    page = await call.resolve(uc.ListSellerReviews)(command)
    return ReviewPage(list(page.items), page.next_cursor)


async def answer_review(call: Call[AnswerBody, None]) -> c.PublicReview | None:
    return await call.resolve(uc.AnswerReview)(c.SellerReply(call.user, call.path("review_id"), call.body.text))


async def remove_review_answer(call: Call[None, None]) -> None:
    await call.resolve(uc.AnswerReview)(c.SellerReply(call.user, call.path("review_id"), None))


def _shop(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, group=PUBLIC, tag=TAG, authenticated=False, **kw)


def _customer(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, group=PUBLIC, tag=TAG, **kw)


def _seller(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, group=SELLER, tag=TAG, **kw)


ENDPOINTS = [
    _shop(
        "GET",
        "/products/{product_id}/reviews",
        list_product_reviews,
        "A product's published reviews",
        query=ReviewsQuery,
        response=ReviewPage,
    ),
    _shop(
        "GET",
        "/products/{product_id}/rating",
        get_product_rating,
        "A product's rating: how many reviews, the average, and how many gave each number of stars",
        response=c.RatingView,
    ),
    _shop(
        "GET",
        "/sellers/{seller_id}/rating",
        get_seller_rating,
        "A seller's rating, over the reviews of all their products",
        response=c.RatingView,
    ),
    _shop("GET", "/reviews/{review_id}", get_review, "A published review", response=c.PublicReview, errors=(404,)),
    _customer(
        "POST",
        "/products/{product_id}/reviews",
        submit_review,
        "Review a product you received",
        body=ReviewBody,
        response=c.AuthorReview,
        status=201,
        errors=(403, 404, 409),
        rate_limit="review",
        description=(
            "One review per customer and product (409 when you have one: edit it). A product that has not "
            "reached you is refused with 403, unless the shop accepts unverified reviews (then shown as "
            "such). " + MODERATED
        ),
    ),
    _customer(
        "GET",
        "/me/reviews",
        list_my_reviews,
        "Your reviews, last changed first",
        query=PageQuery,
        response=MyReviewPage,
    ),
    _customer(
        "GET",
        MINE,
        get_my_review,
        "One of your reviews, where moderation stands with it",
        response=c.AuthorReview,
        errors=(404,),
    ),
    _customer(
        "PATCH",
        MINE,
        edit_my_review,
        "Edit your review: a new revision",
        body=ReviewChanges,
        response=c.AuthorReview,
        errors=(404,),
        description="The published revision stays shown until the new one is decided. " + MODERATED,
    ),
    _customer("DELETE", MINE, delete_my_review, "Delete your review", status=204, errors=(404,)),
    _customer(
        "POST",
        "/me/review-photos",
        request_review_photo,
        "Ask where to upload a photo for a review",
        body=PhotoBody,
        response=c.PhotoUploadView,
        status=201,
        description=(
            "Content types image/jpeg, image/png and image/webp, up to the shop's size limit. Send the "
            "file's bytes with `upload.method` to `upload.url` with `upload.headers` before "
            "`upload.expires_at`, then name `photo_id` in a review's `photo_ids`: the photo is checked then."
        ),
    ),
    _customer(
        "PUT",
        "/reviews/{review_id}/helpful",
        mark_review_helpful,
        "This review was helpful (once per customer)",
        response=c.PublicReview,
        errors=(403, 404),
    ),
    _customer(
        "DELETE",
        "/reviews/{review_id}/helpful",
        unmark_review_helpful,
        "Take back your helpful vote",
        response=c.PublicReview,
        errors=(403, 404),
    ),
    _customer(
        "POST",
        "/reviews/{review_id}/reports",
        report_review,
        "Report a review that should not be shown",
        body=ReportBody,
        status=204,
        errors=(403, 404, 409),
        description="Once per review. Enough reports take the review down until a moderator has looked at it.",
    ),
    _seller(
        "GET",
        "/reviews",
        list_seller_reviews,
        "The published reviews of your products, newest first",
        query=SellerReviewsQuery,
        response=ReviewPage,
    ),
    _seller(
        "PUT",
        "/reviews/{review_id}/answer",
        answer_review,
        "Answer a review of one of your products in public (a new answer replaces it)",
        body=AnswerBody,
        response=c.PublicReview,
        errors=(404,),
    ),
    _seller(
        "DELETE",
        "/reviews/{review_id}/answer",
        remove_review_answer,
        "Take your answer back",
        status=204,
        errors=(404,),
    ),
]
