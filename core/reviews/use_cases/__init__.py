"""The reviews use cases, one module per part: writing a review, what others do with it, what the
context follows of other contexts, reading, and the ratings."""

from core.reviews.use_cases.community import AnswerReview, ReportReview, VoteReviewHelpful
from core.reviews.use_cases.following import ApplyReviewDecision, RecordDelivery, RecordPurchase
from core.reviews.use_cases.ratings import ApplyRatingChange, RatingsOfReviews, ShowRating
from core.reviews.use_cases.reading import (
    ListMyReviews,
    ListProductReviews,
    ListSellerReviews,
    ShowMyReview,
    ShowReview,
)
from core.reviews.use_cases.writing import DeleteReview, EditReview, RequestReviewPhoto, SubmitReview

__all__ = [
    "AnswerReview",
    "ApplyRatingChange",
    "ApplyReviewDecision",
    "DeleteReview",
    "EditReview",
    "ListMyReviews",
    "ListProductReviews",
    "ListSellerReviews",
    "RatingsOfReviews",
    "RecordDelivery",
    "RecordPurchase",
    "ReportReview",
    "RequestReviewPhoto",
    "ShowMyReview",
    "ShowRating",
    "ShowReview",
    "SubmitReview",
    "VoteReviewHelpful",
]
