"""The moderation context's consumers: every submitted product revision opens a moderation case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.moderation.commands import OpenCase
from core.moderation.model import Subject, SubmittedAttribute, SubmittedContent
from core.moderation.use_cases import OpenModerationCase
from core.products.events import ProductSubmitted
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "moderation"
PRODUCT = "product"


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


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_submitted(event: ProductSubmitted) -> None:
        await runtime.resolve(OpenModerationCase)(product_submission(event))

    bus.subscribe(GROUP, ProductSubmitted, idempotent(GROUP, inbox, on_submitted))
