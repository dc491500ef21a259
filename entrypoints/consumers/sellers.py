"""The sellers context's consumers: a storefront's product count follows the products published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.products.events import ProductPublished, ProductUnpublished
from core.sellers.commands import ListProduct, UnlistProduct
from core.sellers.use_cases import RecordListing, RemoveListing
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "sellers"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_published(event: ProductPublished) -> None:
        await runtime.resolve(RecordListing)(ListProduct(event.seller_id, event.product_id))

    async def on_unpublished(event: ProductUnpublished) -> None:
        await runtime.resolve(RemoveListing)(UnlistProduct(event.product_id))

    bus.subscribe(GROUP, ProductPublished, idempotent(GROUP, inbox, on_published))
    bus.subscribe(GROUP, ProductUnpublished, idempotent(GROUP, inbox, on_unpublished))
