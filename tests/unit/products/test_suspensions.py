"""A suspended seller's cards leave the shop and cannot be submitted; reinstatement brings them back."""

from __future__ import annotations

import pytest

from core.products import commands as c
from core.products.events import ProductPublished, ProductUnpublished
from core.products.model import ProductStatus
from core.shared.errors import Conflict, NotFound

from ..harness import Published
from .catalog_harness import ANN, BOB, CatalogApp


async def test_a_suspension_takes_the_sellers_cards_out_of_the_shop(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    shown = await catalog.published(phones, sku="A-1")
    other = await catalog.published(phones, sku="A-2", title="Milk frother")
    draft = await catalog.draft(phones, sku="A-3")
    bobs = await catalog.published(phones, BOB, sku="B-1")
    await catalog.show(c.GetProduct(shown.id))  # now cached
    published.clear()

    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))

    events = published.of(ProductUnpublished)
    assert sorted((e.product_id, e.reason) for e in events) == sorted(
        [(shown.id, "seller_suspended"), (other.id, "seller_suspended")]
    )
    for product_id in (shown.id, other.id, draft.id):
        with pytest.raises(NotFound):
            await catalog.show(c.GetProduct(product_id))
    assert [p.id for p in (await catalog.browse(c.BrowseProducts())).items] == [bobs.id]
    # The cards themselves are unchanged: the seller still sees them as they were.
    assert (await catalog.show_mine(c.GetMyProduct(ANN, shown.id))).status is ProductStatus.PUBLISHED


async def test_a_suspended_seller_cannot_submit(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.draft(phones)
    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))

    with pytest.raises(Conflict, match="suspended"):
        await catalog.submit(c.SubmitProduct(ANN, draft.id))

    assert (await catalog.show_mine(c.GetMyProduct(ANN, draft.id))).status is ProductStatus.DRAFT


async def test_reinstatement_brings_the_cards_back_as_they_were(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await catalog.published(phones)
    catalog.stock.units[card.id] = 3
    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))
    catalog.clock.advance(86400)
    published.clear()

    await catalog.reinstate(c.ShowReinstatedSeller(ANN.user_id))

    [event] = published.of(ProductPublished)
    assert (event.product_id, event.revision, event.available) == (card.id, 1, 3)
    assert event.published_at == card.published_at
    shown = await catalog.show(c.GetProduct(card.id))
    assert (shown.id, shown.published_at) == (card.id, card.published_at)
    draft = await catalog.draft(phones, sku="NEW-1")
    assert (await catalog.submit(c.SubmitProduct(ANN, draft.id))).status is ProductStatus.PENDING_MODERATION


async def test_suspension_and_reinstatement_are_applied_once(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    await catalog.published(phones)
    published.clear()

    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))
    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))
    await catalog.reinstate(c.ShowReinstatedSeller(ANN.user_id))
    await catalog.reinstate(c.ShowReinstatedSeller(ANN.user_id))

    assert len(published.of(ProductUnpublished)) == 1
    assert len(published.of(ProductPublished)) == 1


async def test_an_approval_while_suspended_is_shown_on_reinstatement(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    draft = await catalog.draft(phones)
    await catalog.submit(c.SubmitProduct(ANN, draft.id))
    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))

    await catalog.approve(draft.id, 1)

    assert (await catalog.show_mine(c.GetMyProduct(ANN, draft.id))).status is ProductStatus.PUBLISHED
    assert published.of(ProductPublished) == []
    with pytest.raises(NotFound):
        await catalog.show(c.GetProduct(draft.id))

    await catalog.reinstate(c.ShowReinstatedSeller(ANN.user_id))

    assert [e.product_id for e in published.of(ProductPublished)] == [draft.id]
    assert (await catalog.show(c.GetProduct(draft.id))).id == draft.id


async def test_archiving_while_suspended_unpublishes_nothing_twice(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await catalog.published(phones)
    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))
    published.clear()

    await catalog.archive(c.ArchiveProduct(ANN, card.id))
    await catalog.reinstate(c.ShowReinstatedSeller(ANN.user_id))

    assert published.types() == []
