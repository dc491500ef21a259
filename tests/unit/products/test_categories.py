"""An admin builds the category tree; everyone reads it."""

from __future__ import annotations

import pytest

from core.products import commands as c
from core.products.categories import MAX_DEPTH, slug_of
from core.products.events import CategoryCreated, CategoryRenamed
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from ..harness import Published
from .catalog_harness import ADMIN, ANN, CatalogApp


def fields(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in error.value.errors]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Electronics", "electronics"),
        ("  Home &  Garden ", "home-garden"),
        ("Küche & Bad", "kuche-bad"),
        ("T-Shirts (Men's)", "t-shirts-men-s"),
        ("Книги", "книги"),
        ("4K TVs", "4k-tvs"),
    ],
)
def test_a_slug_is_derived_from_the_name(name: str, slug: str) -> None:
    assert slug_of(name) == slug


async def test_an_admin_adds_a_root_and_a_child(catalog: CatalogApp, published: Published) -> None:
    root = await catalog.add_category(c.CreateCategory(ADMIN, "  Electronics "))
    child = await catalog.add_category(c.CreateCategory(ADMIN, "Mobile Phones", root.id))

    assert (root.name, root.slug, root.parent_id, root.path) == ("Electronics", "electronics", None, ["Electronics"])
    assert (child.slug, child.parent_id, child.path) == ("mobile-phones", root.id, ["Electronics", "Mobile Phones"])
    created = published.of(CategoryCreated)
    assert [(e.category_id, e.parent_id, e.slug) for e in created] == [
        (root.id, None, "electronics"),
        (child.id, root.id, "mobile-phones"),
    ]


async def test_the_tree_lists_each_level_in_name_order(catalog: CatalogApp) -> None:
    home = await catalog.category("Home")
    electronics = await catalog.category("Electronics")
    await catalog.category("Tablets", electronics)
    await catalog.category("phones", electronics)

    tree = await catalog.category_tree(c.ShowCategories())

    assert [(n.name, [k.name for k in n.children]) for n in tree] == [
        ("Electronics", ["phones", "Tablets"]),
        ("Home", []),
    ]
    assert tree[1].id == home


async def test_a_slug_is_unique_among_siblings_only(catalog: CatalogApp) -> None:
    electronics = await catalog.category("Electronics")
    home = await catalog.category("Home")
    await catalog.category("Accessories", electronics)

    with pytest.raises(Conflict, match="slug 'accessories'"):
        await catalog.add_category(c.CreateCategory(ADMIN, "ACCESSORIES!", electronics))
    with pytest.raises(Conflict):
        await catalog.add_category(c.CreateCategory(ADMIN, "home"))

    other = await catalog.add_category(c.CreateCategory(ADMIN, "Accessories", home))
    assert other.path == ["Home", "Accessories"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "empty"), ("   ", "empty"), ("x" * 81, "at most 80"), ("---", "letter or a digit"), ("a\x00b", "control")],
)
async def test_a_bad_name_is_refused(catalog: CatalogApp, name: str, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message) as error:
        await catalog.add_category(c.CreateCategory(ADMIN, name))
    assert fields(error) == ["name"]
    assert await catalog.category_tree(c.ShowCategories()) == []


async def test_the_parent_must_exist(catalog: CatalogApp) -> None:
    with pytest.raises(ValidationFailed) as error:
        await catalog.add_category(c.CreateCategory(ADMIN, "Phones", "no-such-category"))
    assert fields(error) == ["parent_id"]


async def test_the_tree_has_a_depth_limit(catalog: CatalogApp) -> None:
    parent = None
    for level in range(MAX_DEPTH):
        parent = await catalog.category(f"Level {level}", parent)

    with pytest.raises(ValidationFailed) as error:
        await catalog.add_category(c.CreateCategory(ADMIN, "Too deep", parent))
    assert fields(error) == ["parent_id"]


async def test_only_an_admin_builds_the_tree(catalog: CatalogApp) -> None:
    with pytest.raises(PermissionDenied):
        await catalog.add_category(c.CreateCategory(ANN, "Electronics"))
    root = await catalog.category("Electronics")
    with pytest.raises(PermissionDenied):
        await catalog.rename_category(c.RenameCategory(ANN, root, "Gadgets"))


async def test_a_rename_changes_name_and_slug(catalog: CatalogApp, published: Published) -> None:
    root = await catalog.category("Electronics")
    phones = await catalog.category("Phones", root)

    view = await catalog.rename_category(c.RenameCategory(ADMIN, phones, " Smart   Phones "))

    assert (view.id, view.name, view.slug, view.path) == (
        phones,
        "Smart Phones",
        "smart-phones",
        ["Electronics", "Smart Phones"],
    )
    [renamed] = published.of(CategoryRenamed)
    assert (renamed.category_id, renamed.name, renamed.slug) == (phones, "Smart Phones", "smart-phones")


async def test_a_rename_to_the_same_name_changes_nothing(catalog: CatalogApp, published: Published) -> None:
    root = await catalog.category("Electronics")
    view = await catalog.rename_category(c.RenameCategory(ADMIN, root, "Electronics"))
    assert view.name == "Electronics"
    assert published.of(CategoryRenamed) == []


async def test_a_rename_cannot_take_a_siblings_slug(catalog: CatalogApp) -> None:
    await catalog.category("Phones")
    tablets = await catalog.category("Tablets")

    with pytest.raises(Conflict):
        await catalog.rename_category(c.RenameCategory(ADMIN, tablets, "phones"))

    [tree_tablets] = [n for n in await catalog.category_tree(c.ShowCategories()) if n.id == tablets]
    assert tree_tablets.name == "Tablets"


async def test_renaming_a_missing_category_is_not_found(catalog: CatalogApp) -> None:
    with pytest.raises(NotFound):
        await catalog.rename_category(c.RenameCategory(ADMIN, "no-such-category", "Gadgets"))


async def test_a_rename_drops_the_cached_cards_below_it(catalog: CatalogApp) -> None:
    electronics = await catalog.category("Electronics")
    phones = await catalog.category("Phones", electronics)
    home = await catalog.category("Home")
    phone = await catalog.published(phones, sku="P-1")
    lamp = await catalog.published(home, sku="L-1", title="Desk lamp")
    await catalog.show(c.GetProduct(phone.id))
    await catalog.show(c.GetProduct(lamp.id))

    await catalog.rename_category(c.RenameCategory(ADMIN, electronics, "Gadgets"))

    card = await catalog.show(c.GetProduct(phone.id))
    assert card.category.path == ["Gadgets", "Phones"]
    assert await catalog.cache.get(lamp.id) is not None
