"""Moderation's decisions publish or reject a revision; an edit of a published card stays invisible until
approved; archiving takes a card out of the shop."""

from __future__ import annotations

import pytest

from core.products import commands as c
from core.products.events import ProductPublished, ProductRejected, ProductUnpublished
from core.products.model import ProductStatus
from core.shared.errors import NotFound
from core.shared.money import Money

from ..harness import Published
from .catalog_harness import ANN, CatalogApp, price


async def submitted(catalog: CatalogApp, category_id: str) -> c.SellerProductView:
    draft = await catalog.draft(category_id)
    return await catalog.submit(c.SubmitProduct(ANN, draft.id))


async def test_an_approval_publishes_the_revision(catalog: CatalogApp, published: Published) -> None:
    electronics = await catalog.category("Electronics")
    phones = await catalog.category("Phones", electronics)
    card = await submitted(catalog, phones)
    catalog.stock.units[card.id] = 7
    catalog.images.images[card.id] = ["https://cdn.example/a.jpg"]
    catalog.clock.advance(120)

    await catalog.approve(card.id, card.revision)

    view = await catalog.show_mine(c.GetMyProduct(ANN, card.id))
    assert (view.status, view.published_revision, view.published_at) == (
        ProductStatus.PUBLISHED,
        1,
        catalog.clock.now(),
    )
    [event] = published.of(ProductPublished)
    assert (event.product_id, event.seller_id, event.revision) == (card.id, ANN.user_id, 1)
    assert event.category_path == [electronics, phones]
    assert (event.available, event.image_urls, event.published_at) == (
        7,
        ["https://cdn.example/a.jpg"],
        catalog.clock.now(),
    )
    assert (event.title, event.price) == ("Espresso machine", Money(24900, "EUR"))
    public = await catalog.show(c.GetProduct(card.id))
    assert (public.available, public.in_stock, public.category.path) == (7, True, ["Electronics", "Phones"])


async def test_a_rejection_shows_the_reasons_to_the_seller(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await submitted(catalog, phones)

    await catalog.reject(card.id, 1, "contains a phone number", "price looks wrong")

    view = await catalog.show_mine(c.GetMyProduct(ANN, card.id))
    assert (view.status, view.rejection_reasons) == (
        ProductStatus.REJECTED,
        ["contains a phone number", "price looks wrong"],
    )
    [event] = published.of(ProductRejected)
    assert (event.revision, event.reasons) == (1, ["contains a phone number", "price looks wrong"])
    assert published.of(ProductPublished) == []
    with pytest.raises(NotFound):
        await catalog.show(c.GetProduct(card.id))


async def test_a_decision_is_applied_once(catalog: CatalogApp, phones: str, published: Published) -> None:
    card = await submitted(catalog, phones)

    await catalog.approve(card.id, 1)
    await catalog.approve(card.id, 1)
    await catalog.reject(card.id, 1, "too late")

    assert len(published.of(ProductPublished)) == 1
    assert published.of(ProductRejected) == []
    assert (await catalog.show_mine(c.GetMyProduct(ANN, card.id))).status is ProductStatus.PUBLISHED


async def test_a_decision_about_an_older_revision_is_ignored(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await submitted(catalog, phones)
    await catalog.edit(c.EditProduct(ANN, card.id, title="Espresso machine II"))

    await catalog.approve(card.id, 1)

    view = await catalog.show_mine(c.GetMyProduct(ANN, card.id))
    assert (view.status, view.revision, view.published_revision) == (ProductStatus.DRAFT, 2, None)
    assert published.of(ProductPublished) == []


async def test_a_decision_about_an_unknown_card_is_ignored(catalog: CatalogApp, published: Published) -> None:
    await catalog.approve("no-such-product", 1)
    assert published.types() == []


async def test_an_edit_of_a_published_card_stays_invisible_until_approved(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await catalog.published(phones)
    first_published_at = card.published_at
    catalog.clock.advance(3600)

    edited = await catalog.edit(c.EditProduct(ANN, card.id, title="Espresso machine Pro", price=price(29900)))

    assert (edited.status, edited.revision, edited.published_revision) == (ProductStatus.DRAFT, 2, 1)
    shown = await catalog.show(c.GetProduct(card.id))
    assert (shown.title, shown.price.amount) == ("Espresso machine", 24900)
    await catalog.submit(c.SubmitProduct(ANN, card.id))
    assert (await catalog.show(c.GetProduct(card.id))).title == "Espresso machine"

    await catalog.approve(card.id, 2)

    shown = await catalog.show(c.GetProduct(card.id))
    assert (shown.title, shown.price.amount, shown.published_at) == (
        "Espresso machine Pro",
        29900,
        catalog.clock.now(),
    )
    assert shown.published_at != first_published_at
    assert [e.revision for e in published.of(ProductPublished)] == [1, 2]
    view = await catalog.show_mine(c.GetMyProduct(ANN, card.id))
    assert (view.status, view.revision, view.published_revision) == (ProductStatus.PUBLISHED, 2, 2)


async def test_a_rejected_edit_keeps_the_published_version_live(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await catalog.published(phones)
    await catalog.edit(c.EditProduct(ANN, card.id, title="Call 0170 1234567 now"))
    await catalog.submit(c.SubmitProduct(ANN, card.id))

    await catalog.reject(card.id, 2, "contact details in the title")

    view = await catalog.show_mine(c.GetMyProduct(ANN, card.id))
    assert (view.status, view.rejection_reasons, view.published_revision) == (
        ProductStatus.REJECTED,
        ["contact details in the title"],
        1,
    )
    assert view.title == "Call 0170 1234567 now"
    assert (await catalog.show(c.GetProduct(card.id))).title == "Espresso machine"
    assert published.of(ProductUnpublished) == []


async def test_archiving_a_published_card_takes_it_out_of_the_shop(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await catalog.published(phones)
    await catalog.show(c.GetProduct(card.id))  # now cached

    archived = await catalog.archive(c.ArchiveProduct(ANN, card.id))

    assert (archived.status, archived.published_revision) == (ProductStatus.ARCHIVED, None)
    [event] = published.of(ProductUnpublished)
    assert (event.product_id, event.seller_id, event.reason) == (card.id, ANN.user_id, "archived")
    with pytest.raises(NotFound):
        await catalog.show(c.GetProduct(card.id))
    assert (await catalog.browse(c.BrowseProducts())).items == []


async def test_archiving_a_draft_unpublishes_nothing(catalog: CatalogApp, phones: str, published: Published) -> None:
    draft = await catalog.draft(phones)
    await catalog.archive(c.ArchiveProduct(ANN, draft.id))
    assert published.of(ProductUnpublished) == []


async def test_a_decision_for_an_archived_card_is_ignored(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    card = await submitted(catalog, phones)
    await catalog.archive(c.ArchiveProduct(ANN, card.id))

    await catalog.approve(card.id, 1)

    assert (await catalog.show_mine(c.GetMyProduct(ANN, card.id))).status is ProductStatus.ARCHIVED
    assert published.of(ProductPublished) == []


async def test_an_approved_edit_publishes_its_own_category(catalog: CatalogApp, published: Published) -> None:
    kitchen = await catalog.category("Kitchen")
    coffee = await catalog.category("Coffee", kitchen)
    garden = await catalog.category("Garden")
    card = await catalog.published(garden)
    await catalog.show(c.GetProduct(card.id))  # now cached

    await catalog.edit(c.EditProduct(ANN, card.id, category_id=coffee))
    await catalog.submit(c.SubmitProduct(ANN, card.id))
    await catalog.approve(card.id, 2)

    assert [(e.category_id, e.category_path) for e in published.of(ProductPublished)] == [
        (garden, [garden]),
        (coffee, [kitchen, coffee]),
    ]
    assert (await catalog.show(c.GetProduct(card.id))).category.path == ["Kitchen", "Coffee"]
    assert [p.id for p in (await catalog.browse(c.BrowseProducts(kitchen))).items] == [card.id]
    assert (await catalog.browse(c.BrowseProducts(garden))).items == []


async def test_reinstatement_republishes_the_live_version_not_a_pending_edit(
    catalog: CatalogApp, published: Published
) -> None:
    garden = await catalog.category("Garden")
    kitchen = await catalog.category("Kitchen")
    card = await catalog.published(garden)
    await catalog.edit(c.EditProduct(ANN, card.id, title="Moved teapot", category_id=kitchen))
    await catalog.suspend(c.HideSuspendedSeller(ANN.user_id))
    published.clear()

    await catalog.reinstate(c.ShowReinstatedSeller(ANN.user_id))

    [event] = published.of(ProductPublished)
    assert (event.title, event.category_id, event.category_path, event.revision) == (
        "Espresso machine",
        garden,
        [garden],
        1,
    )
