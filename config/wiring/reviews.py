"""The reviews context's wiring: reviews (with purchases, votes and reports) in the reviews database,
the ratings aggregates in a database of their own (as the seed has them), or both in memory. Photos go
to the media store the products context wired; the ratings are read by other contexts through
``ports.ratings.Ratings``."""

from __future__ import annotations

import asyncio

from adapters.memory.reviews import MemoryRatingsUnitOfWork, MemoryReviewsUnitOfWork, RatingsTables, ReviewsTables
from config.runtime import Wiring
from core.reviews import use_cases as uc
from core.reviews.policy import ReviewPolicy
from ports.ratings import Ratings
from ports.reviews import RatingsUnitOfWork, ReviewsUnitOfWork

DATABASE = "reviews"
RATINGS = "ratings"
SCHEMAS = {RATINGS: RATINGS}  # the ratings schema lives in the ratings database


def register(w: Wiring) -> None:
    s = w.settings
    w.container.register(
        ReviewPolicy,
        instance=ReviewPolicy(
            cdn_base_url=s.cdn_base_url,
            allow_unverified=s.reviews_allow_unverified,
            reports_to_requeue=s.review_reports_to_requeue,
            max_photos=s.max_photos_per_review,
            max_photo_bytes=s.max_image_bytes,
        ),
    )
    if w.infra:
        from adapters.postgres.ratings.repository import PostgresRatingsUnitOfWork
        from adapters.postgres.reviews.repository import PostgresReviewsUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(ReviewsUnitOfWork, lambda: PostgresReviewsUnitOfWork(pool, nudge))
        ratings_pool, ratings_nudge = w.pool(RATINGS), w.nudge(RATINGS)
        w.units_of_work(RatingsUnitOfWork, lambda: PostgresRatingsUnitOfWork(ratings_pool, ratings_nudge))
    else:
        tables, ratings, lock = ReviewsTables(), RatingsTables(), asyncio.Lock()
        w.units_of_work(ReviewsUnitOfWork, lambda: MemoryReviewsUnitOfWork(tables, w.bus))
        w.units_of_work(RatingsUnitOfWork, lambda: MemoryRatingsUnitOfWork(ratings, w.bus, lock))
    w.use_cases(
        uc.SubmitReview,
        uc.EditReview,
        uc.DeleteReview,
        uc.RequestReviewPhoto,
        uc.VoteReviewHelpful,
        uc.ReportReview,
        uc.AnswerReview,
        uc.RecordPurchase,
        uc.RecordDelivery,
        uc.ApplyReviewDecision,
        uc.ListProductReviews,
        uc.ShowReview,
        uc.ListMyReviews,
        uc.ShowMyReview,
        uc.ListSellerReviews,
        uc.ApplyRatingChange,
        uc.ShowRating,
    )
    w.container.register(Ratings, factory=lambda: uc.RatingsOfReviews(w.units_of_work_of(RatingsUnitOfWork)))
