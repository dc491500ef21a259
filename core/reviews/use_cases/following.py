"""What the reviews context learns from others' events: who received what (from the orders), and
moderation's decisions on review revisions. Each is safe to repeat."""

from __future__ import annotations

from core.reviews.commands import ApplyReviewModeration, OrderedProducts, OrderReceived
from core.reviews.model import Purchase
from core.reviews.use_cases.writing import remove_photos
from ports.reviews import ReviewsUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory
from ports.storage import ObjectStorage


class RecordPurchase:
    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: OrderedProducts) -> None:
        purchases = [
            Purchase(command.order_id, line.product_id, command.customer_id, line.seller_id, command.at)
            for line in command.lines
        ]
        async with self.uow() as uow:
            await uow.purchases.record(purchases)
            await uow.commit()


class RecordDelivery:
    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: OrderReceived) -> None:
        async with self.uow() as uow:
            await uow.purchases.mark_received(command.order_id, command.at)
            await uow.commit()


class ApplyReviewDecision:
    """Publish or reject the revision moderation decided on; a decision on any other revision (an edit
    replaced it, the review was deleted) changes nothing. The photos of a replaced published revision that
    the new one no longer shows are deleted."""

    def __init__(self, uow: UnitOfWorkFactory[ReviewsUnitOfWork], storage: ObjectStorage, clock: Clock) -> None:
        self.uow, self.storage, self.clock = uow, storage, clock

    async def __call__(self, command: ApplyReviewModeration) -> None:
        async with self.uow() as uow:
            review = await uow.reviews.get(command.review_id)
            if review is None:
                return
            replaced = set() if review.live is None else {p.key for p in review.live.content.photos}
            if not review.decide(command.revision, command.approved, command.reasons, self.clock.now()):
                return
            await uow.reviews.update(review)
            await uow.commit()
        if command.approved:
            await remove_photos(self.storage, replaced - {p.key for p in review.content.photos})
