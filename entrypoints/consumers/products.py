"""The catalogue's consumers: moderation's decisions publish or reject a revision, a seller's suspension
hides their cards and a reinstatement shows them again, and changes of stock, images or ratings drop the
cached public cards that show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.moderation.events import ModerationDecided
from core.products.commands import ApplyModerationDecision, ForgetCards, HideSuspendedSeller, ShowReinstatedSeller
from core.products.events import ProductImagesChanged, StockChanged
from core.products.use_cases import ApplyProductDecision, ForgetPublicCards, HideSellerProducts, RestoreSellerProducts
from core.reviews.events import RatingUpdated
from core.sellers.events import SellerClosed, SellerReinstated, SellerSuspended
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "products"
PRODUCT = "product"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_decided(event: ModerationDecided) -> None:
        if event.subject_type != PRODUCT:
            return  # reviews are moderated too; their decisions are not the catalogue's
        decision = ApplyModerationDecision(event.subject_id, event.revision, event.approved, tuple(event.reasons))
        await runtime.resolve(ApplyProductDecision)(decision)

    async def on_suspended(event: SellerSuspended) -> None:
        await runtime.resolve(HideSellerProducts)(HideSuspendedSeller(event.seller_id))

    async def on_reinstated(event: SellerReinstated) -> None:
        await runtime.resolve(RestoreSellerProducts)(ShowReinstatedSeller(event.seller_id))

    async def on_stock_changed(event: StockChanged) -> None:
        await runtime.resolve(ForgetPublicCards)(ForgetCards((event.product_id,)))

    async def on_images_changed(event: ProductImagesChanged) -> None:
        await runtime.resolve(ForgetPublicCards)(ForgetCards((event.product_id,)))

    async def on_rating_updated(event: RatingUpdated) -> None:
        if event.subject_type != PRODUCT:
            return  # a seller's rating shows on the storefront, which reads it afresh
        await runtime.resolve(ForgetPublicCards)(ForgetCards((event.subject_id,)))

    bus.subscribe(GROUP, ModerationDecided, idempotent(GROUP, inbox, on_decided))

    async def on_closed(event: SellerClosed) -> None:
        # A closed shop is hidden as a suspended one is, and no reinstatement ever brings it back.
        await runtime.resolve(HideSellerProducts)(HideSuspendedSeller(event.seller_id))

    bus.subscribe(GROUP, SellerSuspended, idempotent(GROUP, inbox, on_suspended))
    bus.subscribe(GROUP, SellerClosed, idempotent(GROUP, inbox, on_closed))
    bus.subscribe(GROUP, SellerReinstated, idempotent(GROUP, inbox, on_reinstated))
    bus.subscribe(GROUP, StockChanged, idempotent(GROUP, inbox, on_stock_changed))
    bus.subscribe(GROUP, ProductImagesChanged, idempotent(GROUP, inbox, on_images_changed))
    bus.subscribe(GROUP, RatingUpdated, idempotent(GROUP, inbox, on_rating_updated))
