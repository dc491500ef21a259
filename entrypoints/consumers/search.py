"""The search context's consumers: the index follows the catalogue's, the sellers' and the ratings' events,
so only published cards and verified storefronts are found, and a change shows without anyone re-indexing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.products.events import ProductImagesChanged, ProductPublished, ProductUnpublished, StockChanged
from core.reviews.events import RatingUpdated
from core.search import commands as c
from core.search import use_cases as uc
from core.search.model import Attribute
from core.sellers.events import SellerClosed, SellerReinstated, SellerSuspended, SellerVerified, StorefrontUpdated
from entrypoints.consumers.inbox import idempotent
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "search"
PRODUCT = "product"


def index_command(event: ProductPublished) -> c.IndexProduct:
    return c.IndexProduct(
        product_id=event.product_id,
        seller_id=event.seller_id,
        revision=event.revision,
        title=event.title,
        description=event.description,
        brand=event.brand,
        attributes=tuple(Attribute(a.name, a.kind, a.value) for a in event.attributes),
        category_id=event.category_id,
        category_path=tuple(event.category_path),
        price=event.price,
        available=event.available,
        image_urls=tuple(event.image_urls),
        published_at=event.published_at,
    )


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    async def on_published(event: ProductPublished) -> None:
        await runtime.resolve(uc.IndexPublishedProduct)(index_command(event))

    async def on_unpublished(event: ProductUnpublished) -> None:
        await runtime.resolve(uc.RemoveUnpublishedProduct)(c.RemoveProduct(event.product_id))

    async def on_stock(event: StockChanged) -> None:
        await runtime.resolve(uc.UpdateIndexedAvailability)(c.ChangeAvailability(event.product_id, event.available))

    async def on_images(event: ProductImagesChanged) -> None:
        command = c.ChangeImages(event.product_id, tuple(event.image_urls))
        await runtime.resolve(uc.UpdateIndexedImage)(command)

    async def on_rating(event: RatingUpdated) -> None:
        if event.subject_type != PRODUCT:
            return  # storefronts are found by name: a seller's rating is not indexed
        command = c.ChangeRating(event.subject_id, event.average, event.count)
        await runtime.resolve(uc.UpdateIndexedRating)(command)

    async def on_verified(event: SellerVerified) -> None:
        await runtime.resolve(uc.IndexVerifiedSeller)(c.ListSeller(event.seller_id, event.display_name))

    async def on_storefront(event: StorefrontUpdated) -> None:
        command = c.UpdateStorefront(event.seller_id, event.display_name, event.description, event.logo_url)
        await runtime.resolve(uc.IndexStorefront)(command)

    async def on_suspended(event: SellerSuspended) -> None:
        await runtime.resolve(uc.DelistSuspendedSeller)(c.DelistSeller(event.seller_id))

    async def on_reinstated(event: SellerReinstated) -> None:
        await runtime.resolve(uc.RelistReinstatedSeller)(c.RelistSeller(event.seller_id))

    bus.subscribe(GROUP, ProductPublished, idempotent(GROUP, inbox, on_published))
    bus.subscribe(GROUP, ProductUnpublished, idempotent(GROUP, inbox, on_unpublished))
    bus.subscribe(GROUP, StockChanged, idempotent(GROUP, inbox, on_stock))
    bus.subscribe(GROUP, ProductImagesChanged, idempotent(GROUP, inbox, on_images))
    bus.subscribe(GROUP, RatingUpdated, idempotent(GROUP, inbox, on_rating))
    bus.subscribe(GROUP, SellerVerified, idempotent(GROUP, inbox, on_verified))
    bus.subscribe(GROUP, StorefrontUpdated, idempotent(GROUP, inbox, on_storefront))

    async def on_closed(event: SellerClosed) -> None:
        await runtime.resolve(uc.DelistSuspendedSeller)(c.DelistSeller(event.seller_id))

    bus.subscribe(GROUP, SellerSuspended, idempotent(GROUP, inbox, on_suspended))
    bus.subscribe(GROUP, SellerClosed, idempotent(GROUP, inbox, on_closed))
    bus.subscribe(GROUP, SellerReinstated, idempotent(GROUP, inbox, on_reinstated))
