"""The catalogue's side of ``ports.catalog``: who owns a card, and what a buyer is offered of it."""

from __future__ import annotations

import asyncio

from core.products import commands as c
from core.shared.money import Money

from .catalog_harness import ANN, BOB, CatalogApp


async def test_the_owner_of_any_card_is_known(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.draft(phones)
    bobs = await catalog.published(phones, BOB)
    await catalog.archive(c.ArchiveProduct(ANN, draft.id))

    assert await catalog.ownership.owner_of(draft.id) == ANN.user_id
    assert await catalog.ownership.owner_of(bobs.id) == BOB.user_id
    assert await catalog.ownership.owner_of("no-such-product") is None


async def test_offers_are_made_of_published_cards_only(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones, sku="A-1")
    draft = await catalog.draft(phones, sku="A-2")
    catalog.stock.units[card.id] = 5
    catalog.images.images[card.id] = ["https://cdn.example/front.jpg", "https://cdn.example/back.jpg"]

    offers = await catalog.offers.offers([card.id, draft.id, "no-such-product", card.id])

    assert list(offers) == [card.id]
    offer = offers[card.id]
    assert (offer.product_id, offer.seller_id, offer.title, offer.price) == (
        card.id,
        ANN.user_id,
        "Espresso machine",
        Money(24900, "EUR"),
    )
    assert (offer.available, offer.image_url, offer.purchasable) == (5, "https://cdn.example/front.jpg", True)
    assert await catalog.offers.offers([]) == {}


async def test_an_offer_shows_the_published_version_not_an_edit(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    await catalog.edit(c.EditProduct(ANN, card.id, title="Renamed", price=c.PriceInput(100, "EUR")))

    offer = (await catalog.offers.offers([card.id]))[card.id]

    assert (offer.title, offer.price.amount) == ("Espresso machine", 24900)


async def test_what_cannot_be_bought_is_offered_but_not_purchasable(catalog: CatalogApp, phones: str) -> None:
    sold_out = await catalog.published(phones, sku="A-1")
    suspended = await catalog.published(phones, BOB, sku="B-1")
    catalog.stock.units[suspended.id] = 10
    await catalog.suspend(c.HideSuspendedSeller(BOB.user_id))

    offers = await catalog.offers.offers([sold_out.id, suspended.id])

    assert (offers[sold_out.id].purchasable, offers[sold_out.id].image_url) == (False, None)
    assert (offers[suspended.id].available, offers[suspended.id].purchasable) == (10, False)


async def test_one_catalog_serves_concurrent_callers(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    offers, ownership = catalog.offers, catalog.ownership

    results = await asyncio.gather(*[offers.offers([card.id]) for _ in range(5)], ownership.owner_of(card.id))

    assert all(card.id in r for r in results[:5])
    assert results[5] == ANN.user_id
