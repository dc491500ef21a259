"""Customers browse published cards (newest first, by category with its sub-categories) and read one,
through the card cache: cache-aside, invalidated on change, and never an error when the cache is down."""

from __future__ import annotations

import pytest

from core.products import commands as c
from core.shared.errors import NotFound, ValidationFailed
from core.shared.pagination import PageRequest

from .catalog_harness import ANN, CACHE_TTL, CatalogApp


async def test_a_customer_reads_a_published_card(catalog: CatalogApp) -> None:
    electronics = await catalog.category("Electronics")
    phones = await catalog.category("Phones", electronics)
    attributes = (c.AttributeInput("Colour", "text", "black"), c.AttributeInput("Dual SIM", "boolean", False))
    card = await catalog.published(phones, attributes=attributes)
    catalog.images.images[card.id] = ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"]

    shown = await catalog.show(c.GetProduct(card.id))

    assert (shown.id, shown.seller_id, shown.title, shown.description, shown.brand) == (
        card.id,
        ANN.user_id,
        "Espresso machine",
        "Fifteen bars of pressure.",
        "Gaggia",
    )
    assert shown.category == c.CategoryRef(phones, "Phones", ["Electronics", "Phones"])
    assert [(a.name, a.kind, a.value) for a in shown.attributes] == [
        ("Colour", "text", "black"),
        ("Dual SIM", "boolean", False),
    ]
    assert (shown.price.amount, shown.price.currency) == (24900, "EUR")
    assert (shown.available, shown.in_stock) == (0, False)
    assert shown.image_urls == ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"]
    assert shown.published_at == card.published_at


async def test_a_customer_never_sees_an_unpublished_card(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.draft(phones, sku="D-1")
    pending = await catalog.draft(phones, sku="P-1")
    await catalog.submit(c.SubmitProduct(ANN, pending.id))
    rejected = await catalog.draft(phones, sku="R-1")
    await catalog.submit(c.SubmitProduct(ANN, rejected.id))
    await catalog.reject(rejected.id, 1, "no")

    for product_id in (draft.id, pending.id, rejected.id, "no-such-product"):
        with pytest.raises(NotFound, match="no such product"):
            await catalog.show(c.GetProduct(product_id))
    assert (await catalog.browse(c.BrowseProducts())).items == []


async def test_the_shop_lists_newest_first_with_keyset_pages(catalog: CatalogApp, phones: str) -> None:
    made = []
    for n in range(5):
        made.append((await catalog.published(phones, sku=f"S-{n}", title=f"Product {n}")).id)
        catalog.clock.advance(10)
    await catalog.draft(phones, sku="DRAFT")

    seen, cursor = [], None
    while True:
        page = await catalog.browse(c.BrowseProducts(page=PageRequest(limit=2, cursor=cursor)))
        seen.extend(p.title for p in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == ["Product 4", "Product 3", "Product 2", "Product 1", "Product 0"]


async def test_a_category_includes_its_sub_categories(catalog: CatalogApp) -> None:
    electronics = await catalog.category("Electronics")
    phones = await catalog.category("Phones", electronics)
    cases = await catalog.category("Cases", phones)
    home = await catalog.category("Home")
    phone = await catalog.published(phones, sku="P", title="Phone")
    case = await catalog.published(cases, sku="C", title="Phone case")
    await catalog.published(home, sku="L", title="Lamp")
    catalog.stock.units[phone.id] = 2

    under_electronics = await catalog.browse(c.BrowseProducts(electronics))
    under_phones = await catalog.browse(c.BrowseProducts(phones))
    under_cases = await catalog.browse(c.BrowseProducts(cases))

    assert {p.id for p in under_electronics.items} == {phone.id, case.id}
    assert {p.id for p in under_phones.items} == {phone.id, case.id}
    assert [p.id for p in under_cases.items] == [case.id]
    [listed_phone] = [p for p in under_phones.items if p.id == phone.id]
    assert (listed_phone.available, listed_phone.in_stock, listed_phone.category.path) == (
        2,
        True,
        ["Electronics", "Phones"],
    )


async def test_an_unknown_category_is_named(catalog: CatalogApp) -> None:
    with pytest.raises(ValidationFailed) as error:
        await catalog.browse(c.BrowseProducts("no-such-category"))
    assert [e.field for e in error.value.errors] == ["category_id"]


async def test_a_card_is_read_from_the_cache_after_the_first_read(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    first = await catalog.show(c.GetProduct(card.id))
    catalog.stock.units[card.id] = 9  # behind the catalogue's back: no event, so the cache does not know

    second = await catalog.show(c.GetProduct(card.id))

    assert second == first
    assert catalog.cache.hits == 1
    catalog.clock.advance(CACHE_TTL)
    assert (await catalog.show(c.GetProduct(card.id))).available == 9


async def test_a_stock_or_image_change_drops_the_cached_card(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    await catalog.show(c.GetProduct(card.id))
    catalog.stock.units[card.id] = 4

    await catalog.forget(c.ForgetCards((card.id,)))

    assert (await catalog.show(c.GetProduct(card.id))).available == 4


async def test_an_outage_of_the_cache_degrades_to_the_database(catalog: CatalogApp, phones: str) -> None:
    card = await catalog.published(phones)
    await catalog.show(c.GetProduct(card.id))
    catalog.cache.down = True

    shown = await catalog.show(c.GetProduct(card.id))
    await catalog.edit(c.EditProduct(ANN, card.id, title="Espresso machine Pro"))
    await catalog.submit(c.SubmitProduct(ANN, card.id))
    await catalog.approve(card.id, 2)  # the cache cannot be told: the change still commits
    after = await catalog.show(c.GetProduct(card.id))

    assert shown.id == card.id
    assert after.title == "Espresso machine Pro"
    with pytest.raises(NotFound):
        await catalog.show(c.GetProduct("no-such-product"))
