"""The ratings aggregates: kept exact from the reviews' events, and read by the shop.

``ApplyRatingChange`` locks the product's and the seller's ratings, then compares the event with the
review's last applied one (its ``Contribution``): only a newer event changes the counts, so duplicates,
late deliveries and events handled side by side leave them exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.reviews.commands import RatingChange, RatingQuery, RatingView
from core.reviews.ratings import Contribution, RatedSubject, Rating, position
from ports.ratings import RatingSummary
from ports.reviews import RatingsUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory


class ApplyRatingChange:
    def __init__(self, uow: UnitOfWorkFactory[RatingsUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: RatingChange) -> None:
        async with self.uow() as uow:
            product, seller = await uow.ratings.lock(
                [(RatedSubject.PRODUCT, command.product_id), (RatedSubject.SELLER, command.seller_id)]
            )
            before = await uow.ratings.contribution(command.review_id)
            at = position(command.revision, removed=command.stars is None)
            if before is not None and not before.superseded_by(at):
                return  # this event, or a newer one, was applied already
            given = None if before is None else before.stars
            now = self.clock.now()
            for rating in (product, seller):
                rating.change(given, command.stars, now)
                await uow.ratings.save(rating)
            contribution = Contribution(command.review_id, command.product_id, command.seller_id, at, command.stars)
            await uow.ratings.put_contribution(contribution)
            await uow.commit()


def rating_view(rating: Rating | None) -> RatingView:
    if rating is None:
        return RatingView(0, 0.0, [0, 0, 0, 0, 0])
    return RatingView(rating.count, rating.average, list(rating.stars))


class ShowRating:
    def __init__(self, uow: UnitOfWorkFactory[RatingsUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: RatingQuery) -> RatingView:
        async with self.uow() as uow:
            found = await uow.ratings.of(command.subject_type, [command.subject_id])
        return rating_view(found.get(command.subject_id))


class RatingsOfReviews:
    """``ports.ratings.Ratings`` for the other contexts: the ratings of subjects with published reviews."""

    def __init__(self, uow: UnitOfWorkFactory[RatingsUnitOfWork]) -> None:
        self.uow = uow

    async def _of(self, subject_type: RatedSubject, ids: Sequence[str]) -> dict[str, RatingSummary]:
        if not ids:
            return {}
        async with self.uow() as uow:
            found = await uow.ratings.of(subject_type, list(dict.fromkeys(ids)))
        return {i: RatingSummary(r.count, r.average, tuple(r.stars)) for i, r in found.items() if r.count}

    async def of_products(self, product_ids: Sequence[str]) -> dict[str, RatingSummary]:
        return await self._of(RatedSubject.PRODUCT, product_ids)

    async def of_sellers(self, seller_ids: Sequence[str]) -> dict[str, RatingSummary]:
        return await self._of(RatedSubject.SELLER, seller_ids)
