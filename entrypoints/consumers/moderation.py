"""The moderation context's consumers: every submitted product or review revision opens a moderation case,
and a deleted review withdraws the case still waiting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.moderation.commands import OpenCase, WithdrawCase
from core.moderation.model import Subject, SubjectType, SubmittedAttribute, SubmittedContent
from core.moderation.use_cases import OpenModerationCase, WithdrawModerationCase
from core.products.events import ProductSubmitted
from core.reviews.events import ReviewDeleted, ReviewSubmitted
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "moderation"
PRODUCT = SubjectType.PRODUCT.value
REVIEW = SubjectType.REVIEW.value


def product_submission(event: ProductSubmitted) -> OpenCase:
    content = SubmittedContent(
        title=event.title,
        description=event.description,
        brand=event.brand,
        category_id=event.category_id,
        sku=event.sku,
        attributes=tuple(SubmittedAttribute(a.name, a.kind, a.value) for a in event.attributes),
        price=event.price,
        image_count=event.image_count,
    )
    return OpenCase(Subject(PRODUCT, event.product_id, event.revision, event.seller_id), content)


def review_submission(event: ReviewSubmitted) -> OpenCase:
    content = SubmittedContent(
        title=event.title, description=event.text, rating=event.rating, image_count=event.photo_count
    )
    subject = Subject(REVIEW, event.review_id, event.revision, event.author_id)
    return OpenCase(subject, content, reports=event.reports)


def review_withdrawal(event: ReviewDeleted) -> WithdrawCase:
    return WithdrawCase(REVIEW, event.review_id, event.revision)


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_submitted(event: ProductSubmitted) -> None:
        await runtime.resolve(OpenModerationCase)(product_submission(event))

    async def on_review_submitted(event: ReviewSubmitted) -> None:
        await runtime.resolve(OpenModerationCase)(review_submission(event))

    async def on_review_deleted(event: ReviewDeleted) -> None:
        await runtime.resolve(WithdrawModerationCase)(review_withdrawal(event))

    bus.subscribe(GROUP, ProductSubmitted, idempotent(GROUP, inbox, on_submitted))
    bus.subscribe(GROUP, ReviewSubmitted, idempotent(GROUP, inbox, on_review_submitted))
    bus.subscribe(GROUP, ReviewDeleted, idempotent(GROUP, inbox, on_review_deleted))
