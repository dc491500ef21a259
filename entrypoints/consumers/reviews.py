"""The reviews context's consumers: who received what (the orders' events make reviews verified),
moderation's decisions on review revisions, and the ratings following what is published or removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.moderation.events import ModerationDecided
from core.orders.events import OrderDelivered, OrderPlaced
from core.reviews.commands import (
    ApplyReviewModeration,
    OrderedProduct,
    OrderedProducts,
    OrderReceived,
    RatingChange,
)
from core.reviews.events import ReviewPublished, ReviewRemoved
from core.reviews.use_cases import ApplyRatingChange, ApplyReviewDecision, RecordDelivery, RecordPurchase
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "reviews"
REVIEW = "review"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_placed(event: OrderPlaced) -> None:
        lines = tuple(OrderedProduct(line.product_id, line.seller_id) for line in event.lines)
        await runtime.resolve(RecordPurchase)(
            OrderedProducts(event.order_id, event.customer_id, lines, event.occurred_at)
        )

    async def on_delivered(event: OrderDelivered) -> None:
        await runtime.resolve(RecordDelivery)(OrderReceived(event.order_id, event.occurred_at))

    async def on_decided(event: ModerationDecided) -> None:
        if event.subject_type != REVIEW:
            return  # the catalogue applies decisions on products
        decision = ApplyReviewModeration(event.subject_id, event.revision, event.approved, tuple(event.reasons))
        await runtime.resolve(ApplyReviewDecision)(decision)

    async def on_published(event: ReviewPublished) -> None:
        change = RatingChange(event.review_id, event.product_id, event.seller_id, event.revision, event.rating)
        await runtime.resolve(ApplyRatingChange)(change)

    async def on_removed(event: ReviewRemoved) -> None:
        change = RatingChange(event.review_id, event.product_id, event.seller_id, event.revision, None)
        await runtime.resolve(ApplyRatingChange)(change)

    bus.subscribe(GROUP, OrderPlaced, idempotent(GROUP, inbox, on_placed))
    bus.subscribe(GROUP, OrderDelivered, idempotent(GROUP, inbox, on_delivered))
    bus.subscribe(GROUP, ModerationDecided, idempotent(GROUP, inbox, on_decided))
    bus.subscribe(GROUP, ReviewPublished, idempotent(GROUP, inbox, on_published))
    bus.subscribe(GROUP, ReviewRemoved, idempotent(GROUP, inbox, on_removed))
