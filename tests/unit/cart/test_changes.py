"""Adding, changing, removing and clearing: limits name the field, only published products go in."""

from __future__ import annotations

import pytest

from core.cart.commands import AddToCart, ChangeQuantity, ClearCart, RemoveFromCart, Shopper
from core.cart.model import MAX_LINES, Cart
from core.shared.errors import Conflict, NotFound, ValidationFailed

from .conftest import BOB, CartApp, eur


@pytest.fixture
def shelf(cart: CartApp) -> CartApp:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    cart.catalog.publish("p2", "Cup", eur(450))
    return cart


async def test_adding_a_product_again_increases_its_quantity(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1", 1)
    view = await shelf.put(ann, "p1", 2)

    assert [(line.product_id, line.quantity) for line in view.lines] == [("p1", 3)]


async def test_only_a_published_product_can_be_added(shelf: CartApp, ann: Shopper) -> None:
    with pytest.raises(NotFound) as refused:
        await shelf.put(ann, "a-draft-or-nothing-at-all")

    assert "draft" not in refused.value.message
    assert await shelf.quantities(ann) == {}


async def test_a_quantity_beyond_99_on_a_line_is_refused_naming_quantity(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1", 98)

    with pytest.raises(ValidationFailed) as refused:
        await shelf.put(ann, "p1", 2)

    assert [e.field for e in refused.value.errors] == ["quantity"]
    assert await shelf.quantities(ann) == {"p1": 98}


async def test_a_51st_product_is_a_conflict(shelf: CartApp, ann: Shopper) -> None:
    for i in range(MAX_LINES):
        shelf.catalog.publish(f"x{i:02d}", f"Item {i}", eur(100))
        await shelf.put(ann, f"x{i:02d}")

    with pytest.raises(Conflict):
        await shelf.put(ann, "p1")

    assert len(await shelf.quantities(ann)) == MAX_LINES


async def test_a_quantity_is_set_and_zero_removes_the_line(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1", 1)
    await shelf.put(ann, "p2", 1)

    view = await shelf.change(ChangeQuantity(ann, "p2", 5))
    assert view.totals == [eur(2500 + 5 * 450)]
    await shelf.change(ChangeQuantity(ann, "p1", 0))

    assert await shelf.quantities(ann) == {"p2": 5}


async def test_a_line_of_a_product_no_longer_sold_can_still_be_lowered_and_removed(
    shelf: CartApp, ann: Shopper
) -> None:
    await shelf.put(ann, "p1", 3)
    await shelf.put(ann, "p2", 1)
    shelf.catalog.unpublish("p1")

    await shelf.change(ChangeQuantity(ann, "p1", 1))
    assert await shelf.quantities(ann) == {"p1": 1, "p2": 1}
    await shelf.remove(RemoveFromCart(ann, "p1"))
    assert await shelf.quantities(ann) == {"p2": 1}


async def test_changing_or_removing_what_is_not_in_the_cart_is_not_found(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1")

    with pytest.raises(NotFound):
        await shelf.change(ChangeQuantity(ann, "p2", 1))
    with pytest.raises(NotFound):
        await shelf.remove(RemoveFromCart(ann, "p2"))


async def test_clearing_empties_the_cart(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1", 2)
    await shelf.put(ann, "p2", 1)

    await shelf.clear(ClearCart(ann))

    assert (await shelf.view(ann)).lines == []


async def test_users_have_carts_of_their_own(shelf: CartApp, ann: Shopper) -> None:
    bob = Shopper(principal=BOB)
    await shelf.put(ann, "p1", 2)
    await shelf.put(bob, "p2", 1)

    assert await shelf.quantities(ann) == {"p1": 2}
    assert await shelf.quantities(bob) == {"p2": 1}


async def test_a_change_made_from_a_stale_read_is_redone_not_lost(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1", 1)
    store = shelf.store
    real_get = store.get
    raced = False

    async def get_then_someone_else_adds(cart_id: str) -> Cart | None:
        nonlocal raced
        cart = await real_get(cart_id)
        if not raced:  # another request adds a cup between this read and this save
            raced = True
            other = await real_get(cart_id)
            assert other is not None
            other.add("p2", 1, shelf.clock.now())
            assert await store.save(other)
        return cart

    store.get = get_then_someone_else_adds
    await shelf.add(AddToCart(ann, "p1", 1))
    store.get = real_get

    assert await shelf.quantities(ann) == {"p1": 2, "p2": 1}
