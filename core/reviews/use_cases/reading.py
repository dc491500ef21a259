"""Reading reviews: a product's published ones (sorted and filtered), one review, the author's own, and
those of a seller's products."""

from __future__ import annotations

from core.reviews.commands import (
    AuthorReview,
    GetMyReview,
    GetReview,
    MyReviews,
    ProductReviewsQuery,
    PublicReview,
    SellerReviewsQuery,
)
from core.reviews.model import STARS
from core.reviews.policy import ReviewPolicy
from core.reviews.use_cases.views import author_review, own_review, public_review, shown_review
from core.shared.errors import Validation
from core.shared.pagination import Page
from core.shared.security import Role
from ports.reviews import ReviewsUnitOfWork
from ports.shared import UnitOfWorkFactory


class ListProductReviews:
    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, command: ProductReviewsQuery) -> Page[PublicReview]:
        v = Validation()
        for i, stars in enumerate(command.stars):
            v.check(1 <= stars <= STARS, f"stars.{i}", f"must be from 1 to {STARS}")
        v.raise_if_any()
        wanted = sorted(set(command.stars))
        async with self.uow() as uow:
            page = await uow.reviews.shown(command.product_id, command.sort, wanted, command.with_photos, command.page)
        return Page([public_review(r, self.policy) for r in page.items], page.next_cursor)


class ShowReview:
    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, command: GetReview) -> PublicReview:
        async with self.uow() as uow:
            review = await shown_review(uow, command.review_id)
        return public_review(review, self.policy)


class ListMyReviews:
    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, command: MyReviews) -> Page[AuthorReview]:
        async with self.uow() as uow:
            page = await uow.reviews.of_author(command.principal.user_id, command.page)
        return Page([author_review(r, self.policy) for r in page.items], page.next_cursor)


class ShowMyReview:
    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, command: GetMyReview) -> AuthorReview:
        async with self.uow() as uow:
            review = await own_review(uow, command.principal.user_id, command.review_id)
        return author_review(review, self.policy)


class ListSellerReviews:
    """The published reviews of the calling seller's products, newest first: what they may answer."""

    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], policy: ReviewPolicy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, command: SellerReviewsQuery) -> Page[PublicReview]:
        command.principal.require(Role.SELLER)
        async with self.uow() as uow:
            page = await uow.reviews.of_seller(
                command.principal.user_id, command.product_id, command.unanswered, command.page
            )
        return Page([public_review(r, self.policy) for r in page.items], page.next_cursor)
