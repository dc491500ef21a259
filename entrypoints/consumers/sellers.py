"""The sellers context's consumers: a storefront's product count follows the products published, and a
seller account closes (keeping no personal data) when its user deletes their account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.auth.events import AccountDeleted
from core.products.events import ProductPublished, ProductUnpublished
from core.sellers.commands import CloseSeller, ListProduct, UnlistProduct
from core.sellers.use_cases import CloseSellerAccount, RecordListing, RemoveListing
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

    async def on_account_deleted(event: AccountDeleted) -> None:
        await runtime.resolve(CloseSellerAccount)(CloseSeller(event.user_id))

    bus.subscribe(GROUP, AccountDeleted, idempotent(GROUP, inbox, on_account_deleted))
    bus.subscribe(GROUP, ProductPublished, idempotent(GROUP, inbox, on_published))
    bus.subscribe(GROUP, ProductUnpublished, idempotent(GROUP, inbox, on_unpublished))
