"""A seller creates, edits, submits and archives their own product cards, and nobody else's."""

from __future__ import annotations

from typing import Any

import pytest

from core.products import commands as c
from core.products.events import ProductAttribute, ProductCreated, ProductSubmitted
from core.products.model import MAX_ATTRIBUTES, ProductStatus
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.shared.money import Money
from core.shared.pagination import PageRequest

from ..harness import Published
from .catalog_harness import ANN, BOB, CUSTOMER, CatalogApp, price


def fields(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in error.value.errors]


def new_card(category: str, **overrides: Any) -> c.CreateProduct:
    values: dict[str, Any] = {
        "sku": "ESP-100",
        "title": "Espresso machine",
        "category_id": category,
        "price": price(24900),
        "description": "Fifteen bars.\n\nA steam wand.",
        "brand": "Gaggia",
        "attributes": (
            c.AttributeInput("Colour", "text", "red"),
            c.AttributeInput("Pressure (bar)", "number", 15),
            c.AttributeInput("Weight (kg)", "number", 4.5),
            c.AttributeInput("Milk frother", "boolean", True),
        ),
    }
    values.update(overrides)
    principal = values.pop("principal", ANN)
    return c.CreateProduct(principal, **values)


async def test_a_seller_creates_a_draft(catalog: CatalogApp, phones: str, published: Published) -> None:
    view = await catalog.create(new_card(phones, title="  Espresso   machine "))

    assert view.status is ProductStatus.DRAFT
    assert (view.seller_id, view.sku, view.revision) == (ANN.user_id, "ESP-100", 1)
    assert view.title == "Espresso machine"
    assert view.description == "Fifteen bars.\n\nA steam wand."
    assert view.price == Money(24900, "EUR")
    assert [(a.name, a.kind, a.value) for a in view.attributes] == [
        ("Colour", "text", "red"),
        ("Pressure (bar)", "number", 15),
        ("Weight (kg)", "number", 4.5),
        ("Milk frother", "boolean", True),
    ]
    assert (view.published_revision, view.published_at, view.rejection_reasons) == (None, None, [])
    [event] = published.of(ProductCreated)
    assert (event.product_id, event.seller_id, event.title) == (view.id, ANN.user_id, "Espresso machine")
    stored = await catalog.stored(view.id)
    assert stored is not None
    assert stored.content.attributes[1] == ProductAttribute("Pressure (bar)", "number", "15")
    assert stored.content.attributes[3] == ProductAttribute("Milk frother", "boolean", "true")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "bell\x07"}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"brand": "b" * 101}, "brand"),
        ({"sku": ""}, "sku"),
        ({"sku": "has space"}, "sku"),
        ({"sku": "S" * 65}, "sku"),
        ({"price": price(0)}, "price.amount"),
        ({"price": price(-5)}, "price.amount"),
        ({"price": price(currency="XXX")}, "price.currency"),
        ({"category_id": "  "}, "category_id"),
        ({"attributes": (c.AttributeInput("", "text", "x"),)}, "attributes.0.name"),
        ({"attributes": (c.AttributeInput("Colour", "colour", "x"),)}, "attributes.0.kind"),
        ({"attributes": (c.AttributeInput("Colour", "text", 5),)}, "attributes.0.value"),
        ({"attributes": (c.AttributeInput("Colour", "text", ""),)}, "attributes.0.value"),
        ({"attributes": (c.AttributeInput("Size", "number", "42"),)}, "attributes.0.value"),
        ({"attributes": (c.AttributeInput("Size", "number", True),)}, "attributes.0.value"),
        ({"attributes": (c.AttributeInput("Size", "number", float("nan")),)}, "attributes.0.value"),
        ({"attributes": (c.AttributeInput("Size", "number", 2**60),)}, "attributes.0.value"),
        ({"attributes": (c.AttributeInput("Wifi", "boolean", "yes"),)}, "attributes.0.value"),
        (
            {"attributes": (c.AttributeInput("Colour", "text", "red"), c.AttributeInput("colour", "text", "blue"))},
            "attributes.1.name",
        ),
        (
            {"attributes": tuple(c.AttributeInput(f"a{i}", "text", "x") for i in range(MAX_ATTRIBUTES + 1))},
            "attributes",
        ),
    ],
)
async def test_bad_fields_are_named_and_nothing_is_created(
    catalog: CatalogApp, phones: str, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        await catalog.create(new_card(phones, **overrides))
    assert fields(error) == [field]
    assert catalog.tables.products.rows == {}


async def test_every_bad_field_is_named_at_once(catalog: CatalogApp, phones: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        await catalog.create(new_card(phones, title="", sku="", price=price(0, "ZZZ")))
    assert fields(error) == ["sku", "title", "price.amount", "price.currency"]


async def test_the_category_must_exist(catalog: CatalogApp) -> None:
    with pytest.raises(ValidationFailed) as error:
        await catalog.create(new_card("no-such-category"))
    assert fields(error) == ["category_id"]


async def test_a_customer_cannot_create_a_card(catalog: CatalogApp, phones: str) -> None:
    with pytest.raises(PermissionDenied):
        await catalog.create(new_card(phones, principal=CUSTOMER))


async def test_a_sku_is_unique_per_seller(catalog: CatalogApp, phones: str) -> None:
    first = await catalog.create(new_card(phones))

    with pytest.raises(Conflict, match="sku"):
        await catalog.create(new_card(phones, title="Another machine"))
    bobs = await catalog.create(new_card(phones, principal=BOB))
    assert bobs.sku == first.sku

    other = await catalog.create(new_card(phones, sku="ESP-200"))
    with pytest.raises(Conflict, match="sku"):
        await catalog.edit(c.EditProduct(ANN, other.id, sku="ESP-100"))
    assert (await catalog.show_mine(c.GetMyProduct(ANN, other.id))).sku == "ESP-200"


async def test_an_archived_card_gives_its_sku_up(catalog: CatalogApp, phones: str) -> None:
    first = await catalog.create(new_card(phones))
    await catalog.archive(c.ArchiveProduct(ANN, first.id))

    again = await catalog.create(new_card(phones))

    assert again.sku == first.sku
    assert again.id != first.id


async def test_another_seller_sees_and_changes_nothing(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))

    attempts = [
        catalog.show_mine(c.GetMyProduct(BOB, draft.id)),
        catalog.edit(c.EditProduct(BOB, draft.id, title="Stolen")),
        catalog.submit(c.SubmitProduct(BOB, draft.id)),
        catalog.archive(c.ArchiveProduct(BOB, draft.id)),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound, match="no such product"):
            await attempt
    assert (await catalog.show_mine(c.GetMyProduct(ANN, draft.id))) == draft
    listed = await catalog.list_mine(c.ListMyProducts(BOB))
    assert listed.items == []


async def test_a_missing_card_is_not_found(catalog: CatalogApp) -> None:
    with pytest.raises(NotFound):
        await catalog.show_mine(c.GetMyProduct(ANN, "no-such-product"))


async def test_editing_a_draft_keeps_its_revision(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))
    catalog.clock.advance(60)

    edited = await catalog.edit(
        c.EditProduct(ANN, draft.id, title="Espresso machine Pro", price=price(29900), description="")
    )

    assert (edited.revision, edited.status) == (1, ProductStatus.DRAFT)
    assert (edited.title, edited.price.amount, edited.description, edited.brand) == (
        "Espresso machine Pro",
        29900,
        "",
        "Gaggia",
    )
    assert edited.attributes == draft.attributes
    assert edited.updated_at == catalog.clock.now()


async def test_an_edit_with_no_change_changes_nothing(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))
    catalog.clock.advance(60)
    again = await catalog.edit(c.EditProduct(ANN, draft.id, title="Espresso machine"))
    assert again == draft


async def test_an_edit_names_its_bad_fields(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))
    with pytest.raises(ValidationFailed) as error:
        await catalog.edit(c.EditProduct(ANN, draft.id, brand="b" * 200, category_id="nowhere"))
    assert fields(error) == ["brand"]
    with pytest.raises(ValidationFailed) as error:
        await catalog.edit(c.EditProduct(ANN, draft.id, category_id="nowhere"))
    assert fields(error) == ["category_id"]
    assert await catalog.show_mine(c.GetMyProduct(ANN, draft.id)) == draft


async def test_submitting_sends_the_revision_to_moderation(
    catalog: CatalogApp, phones: str, published: Published
) -> None:
    draft = await catalog.create(new_card(phones))
    catalog.images.images[draft.id] = ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"]

    view = await catalog.submit(c.SubmitProduct(ANN, draft.id))

    assert (view.status, view.revision) == (ProductStatus.PENDING_MODERATION, 1)
    [event] = published.of(ProductSubmitted)
    assert (event.product_id, event.seller_id, event.revision, event.sku) == (draft.id, ANN.user_id, 1, "ESP-100")
    assert (event.title, event.brand, event.category_id, event.price) == (
        "Espresso machine",
        "Gaggia",
        phones,
        Money(24900, "EUR"),
    )
    assert event.attributes[1] == ProductAttribute("Pressure (bar)", "number", "15")
    assert event.image_count == 2


async def test_a_card_waiting_for_moderation_is_not_submitted_twice(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))
    await catalog.submit(c.SubmitProduct(ANN, draft.id))
    with pytest.raises(Conflict, match="already waiting"):
        await catalog.submit(c.SubmitProduct(ANN, draft.id))


async def test_an_edit_while_waiting_starts_a_new_revision(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))
    await catalog.submit(c.SubmitProduct(ANN, draft.id))

    edited = await catalog.edit(c.EditProduct(ANN, draft.id, title="Espresso machine II"))

    assert (edited.revision, edited.status) == (2, ProductStatus.DRAFT)
    resubmitted = await catalog.submit(c.SubmitProduct(ANN, draft.id))
    assert resubmitted.revision == 2


async def test_a_rejected_card_is_edited_before_it_is_submitted_again(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))
    await catalog.submit(c.SubmitProduct(ANN, draft.id))
    await catalog.reject(draft.id, 1, "the title names another brand")

    with pytest.raises(Conflict, match="edit it first"):
        await catalog.submit(c.SubmitProduct(ANN, draft.id))
    edited = await catalog.edit(c.EditProduct(ANN, draft.id, title="Espresso maker"))
    assert (edited.revision, edited.status, edited.rejection_reasons) == (2, ProductStatus.DRAFT, [])


async def test_an_archived_card_is_final(catalog: CatalogApp, phones: str) -> None:
    draft = await catalog.create(new_card(phones))

    archived = await catalog.archive(c.ArchiveProduct(ANN, draft.id))
    again = await catalog.archive(c.ArchiveProduct(ANN, draft.id))

    assert archived.status is ProductStatus.ARCHIVED
    assert again == archived
    with pytest.raises(Conflict):
        await catalog.edit(c.EditProduct(ANN, draft.id, title="Revived"))
    with pytest.raises(Conflict):
        await catalog.submit(c.SubmitProduct(ANN, draft.id))


async def test_a_seller_lists_their_cards_newest_first_by_status(catalog: CatalogApp, phones: str) -> None:
    made = []
    for n in range(5):
        made.append(await catalog.create(new_card(phones, sku=f"S-{n}")))
        catalog.clock.advance(1)
    await catalog.create(new_card(phones, principal=BOB))
    await catalog.submit(c.SubmitProduct(ANN, made[1].id))
    await catalog.submit(c.SubmitProduct(ANN, made[3].id))

    first = await catalog.list_mine(c.ListMyProducts(ANN, page=PageRequest(limit=2)))
    second = await catalog.list_mine(c.ListMyProducts(ANN, page=PageRequest(limit=2, cursor=first.next_cursor)))
    third = await catalog.list_mine(c.ListMyProducts(ANN, page=PageRequest(limit=2, cursor=second.next_cursor)))
    pending = await catalog.list_mine(c.ListMyProducts(ANN, ProductStatus.PENDING_MODERATION))

    assert [p.sku for p in [*first.items, *second.items, *third.items]] == ["S-4", "S-3", "S-2", "S-1", "S-0"]
    assert third.next_cursor is None
    assert [p.sku for p in pending.items] == ["S-3", "S-1"]


async def test_a_forged_cursor_is_refused(catalog: CatalogApp) -> None:
    with pytest.raises(ValidationFailed) as error:
        await catalog.list_mine(c.ListMyProducts(ANN, page=PageRequest(cursor="WzFd")))  # [1]
    assert fields(error) == ["cursor"]
