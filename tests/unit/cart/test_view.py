"""Showing a cart: every line at today's price and availability, totals per currency."""

from __future__ import annotations

from core.cart.commands import CartLineView, Shopper
from core.shared.money import Money

from .conftest import CartApp, eur


async def test_each_line_shows_its_price_and_total_and_the_cart_its_total(cart: CartApp, ann: Shopper) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500), image_url="https://cdn.example/p1.jpg")
    cart.catalog.publish("p2", "Cup", eur(450))
    await cart.put(ann, "p1", 1)
    await cart.put(ann, "p2", 2)

    view = await cart.view(ann)

    assert view.lines == [
        CartLineView("p1", "Teapot", eur(2500), 1, eur(2500), 10, True, "https://cdn.example/p1.jpg", None),
        CartLineView("p2", "Cup", eur(450), 2, eur(900), 10, True, None, None),
    ]
    assert view.totals == [eur(3400)]
    assert view.item_count == 3
    assert view.updated_at == cart.clock.now()


async def test_prices_are_read_when_the_cart_is_shown_never_kept(cart: CartApp, ann: Shopper) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    await cart.put(ann, "p1", 2)

    cart.catalog.publish("p1", "Teapot", eur(2000))  # the seller lowered the price

    view = await cart.view(ann)
    assert view.lines[0].unit_price == eur(2000)
    assert view.totals == [eur(4000)]


async def test_currencies_are_totalled_apart_never_added_together(cart: CartApp, ann: Shopper) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    cart.catalog.publish("p2", "Kettle", Money(3000, "USD"))
    cart.catalog.publish("p3", "Tea", Money(1200, "JPY"))
    for product_id in ("p1", "p2", "p3"):
        await cart.put(ann, product_id, 2)

    view = await cart.view(ann)

    assert view.totals == [eur(5000), Money(2400, "JPY"), Money(6000, "USD")]


async def test_a_product_out_of_stock_is_shown_not_purchasable_and_left_out_of_the_total(
    cart: CartApp, ann: Shopper
) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    cart.catalog.publish("p2", "Cup", eur(450))
    await cart.put(ann, "p1")
    await cart.put(ann, "p2", 2)

    cart.catalog.stock("p1", 0)

    teapot, cup = (await cart.view(ann)).lines
    assert (teapot.purchasable, teapot.available, teapot.note) == (False, 0, "this product is out of stock")
    assert teapot.line_total == eur(2500)
    assert cup.purchasable
    assert (await cart.view(ann)).totals == [eur(900)]
    assert (await cart.view(ann)).item_count == 3


async def test_a_quantity_above_what_is_available_is_noted(cart: CartApp, ann: Shopper) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500), available=5)
    await cart.put(ann, "p1", 4)

    cart.catalog.stock("p1", 3)

    (line,) = (await cart.view(ann)).lines
    assert (line.quantity, line.available, line.purchasable) == (4, 3, True)
    assert line.note == "only 3 available"


async def test_a_product_no_longer_sold_stays_in_the_cart_with_a_note(cart: CartApp, ann: Shopper) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    await cart.put(ann, "p1", 2)

    cart.catalog.unpublish("p1")

    view = await cart.view(ann)
    assert view.lines == [CartLineView("p1", None, None, 2, None, 0, False, None, "this product is no longer sold")]
    assert view.totals == []
    assert view.item_count == 2


async def test_a_product_of_a_suspended_seller_cannot_be_bought(cart: CartApp, ann: Shopper) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    await cart.put(ann, "p1")

    cart.catalog.suspend_seller("p1")

    (line,) = (await cart.view(ann)).lines
    assert not line.purchasable
    assert line.note == "this product cannot be bought at the moment"


async def test_an_empty_cart_asks_the_catalogue_nothing(cart: CartApp, ann: Shopper) -> None:
    view = await cart.view(ann)

    assert (view.lines, view.totals, view.item_count, view.notes, view.updated_at) == ([], [], 0, [], None)
    assert cart.catalog.asked == []
