"""The reviews use cases over the in-memory adapters, wired by hand: a shop with one published product
("p1" of seller "s1"), a media store, a manual clock and sequential ids."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.reviews import MemoryRatingsUnitOfWork, MemoryReviewsUnitOfWork, RatingsTables, ReviewsTables
from adapters.memory.storage import MemoryObjectStorage, UploadSigner
from core.reviews import use_cases as uc
from core.reviews.commands import OrderedProduct, OrderedProducts, OrderReceived
from core.reviews.policy import ReviewPolicy
from core.shared.money import Money
from core.shared.security import Principal, Role
from ports.catalog import Offer
from ports.reviews import RatingsUnitOfWork, ReviewsUnitOfWork
from tests.support.events import RecordingEventBus

CDN = "https://cdn.example.com"


class OneProductCatalog:
    async def offers(self, product_ids: Sequence[str]) -> dict[str, Offer]:
        offer = Offer("p1", "s1", "Enamel mug", Money(1250, "EUR"), 5, None, True)
        return {p: offer for p in product_ids if p == "p1"}


def customer(user_id: str) -> Principal:
    return Principal(user_id, frozenset({Role.CUSTOMER}))


def seller(user_id: str) -> Principal:
    return Principal(user_id, frozenset({Role.CUSTOMER, Role.SELLER}))


class ReviewsApp:
    def __init__(self, policy: ReviewPolicy | None = None) -> None:
        self.bus = RecordingEventBus()
        self.clock = ManualClock()
        ids = SequentialIds()
        tables, ratings, lock = ReviewsTables(), RatingsTables(), asyncio.Lock()

        def reviews() -> ReviewsUnitOfWork:
            return MemoryReviewsUnitOfWork(tables, self.bus)

        def rated() -> RatingsUnitOfWork:
            return MemoryRatingsUnitOfWork(ratings, self.bus, lock)

        self.policy = policy or ReviewPolicy(cdn_base_url=CDN)
        self.storage = MemoryObjectStorage("http://shop.test", UploadSigner("s" * 32), self.clock)
        self.submit = uc.SubmitReview(reviews, OneProductCatalog(), self.storage, self.policy, ids, self.clock)
        self.edit = uc.EditReview(reviews, self.storage, self.policy, self.clock)
        self.delete = uc.DeleteReview(reviews, self.storage, self.clock)
        self.photo = uc.RequestReviewPhoto(self.storage, self.policy, ids)
        self.vote = uc.VoteReviewHelpful(reviews, self.policy)
        self.report = uc.ReportReview(reviews, self.policy, self.clock)
        self.answer = uc.AnswerReview(reviews, self.policy, self.clock)
        self.purchase = uc.RecordPurchase(reviews)
        self.delivery = uc.RecordDelivery(reviews)
        self.decide = uc.ApplyReviewDecision(reviews, self.storage, self.clock)
        self.list = uc.ListProductReviews(reviews, self.policy)
        self.show = uc.ShowReview(reviews, self.policy)
        self.mine = uc.ListMyReviews(reviews, self.policy)
        self.seller_reviews = uc.ListSellerReviews(reviews, self.policy)
        self.rate = uc.ApplyRatingChange(rated, self.clock)
        self.rating = uc.ShowRating(rated)
        self.ratings = uc.RatingsOfReviews(rated)

    async def received(self, customer_id: str, product_id: str = "p1", order_id: str | None = None) -> None:
        order = order_id or f"o-{customer_id}-{product_id}"
        line = (OrderedProduct(product_id, "s1"),)
        await self.purchase(OrderedProducts(order, customer_id, line, self.clock.now()))
        await self.delivery(OrderReceived(order, self.clock.now()))


@pytest.fixture
def app() -> ReviewsApp:
    return ReviewsApp()
