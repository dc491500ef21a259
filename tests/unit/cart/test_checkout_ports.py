"""What checkout reads of a cart (CheckoutCart), and what an order takes out of it (ForgetOrderedLines)."""

from __future__ import annotations

from core.cart.commands import Shopper
from core.cart.contents import CheckoutCart
from core.cart.ordered import ForgetOrderedLines, OrderedLines
from ports.checkout import OrderedItem

from .conftest import ANN, BOB, CartApp, eur


def shop(cart: CartApp) -> None:
    for product_id in ("p1", "p2", "p3"):
        cart.catalog.publish(product_id, product_id.upper(), eur(1000))


async def test_checkout_reads_the_users_lines_and_nothing_of_a_missing_cart(cart: CartApp, ann: Shopper) -> None:
    shop(cart)
    await cart.put(ann, "p2", 3)
    await cart.put(ann, "p1", 1)
    contents = CheckoutCart(cart.store)

    assert await contents.lines(ANN.user_id) == [OrderedItem("p1", 1), OrderedItem("p2", 3)]
    assert await contents.lines(BOB.user_id) == []


async def test_a_guest_cart_is_never_read_for_a_user(cart: CartApp) -> None:
    shop(cart)
    guest = await cart.guest()
    await cart.put(guest, "p1", 1)
    assert await CheckoutCart(cart.store).lines(ANN.user_id) == []


async def test_ordered_lines_leave_the_cart_and_raised_ones_keep_the_difference(cart: CartApp, ann: Shopper) -> None:
    shop(cart)
    bob = Shopper(principal=BOB)
    for product_id, quantity in (("p1", 2), ("p2", 5), ("p3", 1)):
        await cart.put(ann, product_id, quantity)
    await cart.put(bob, "p1", 2)
    ordered = [OrderedItem("p1", 2), OrderedItem("p2", 3), OrderedItem("gone", 1)]  # p2 raised from 3 to 5 since

    await ForgetOrderedLines(cart.store, cart.clock)(OrderedLines(ANN.user_id, ordered))

    assert await cart.quantities(ann) == {"p2": 2, "p3": 1}
    assert await cart.quantities(bob) == {"p1": 2}


async def test_a_line_lowered_since_the_order_goes_entirely(cart: CartApp, ann: Shopper) -> None:
    shop(cart)
    await cart.put(ann, "p1", 1)
    await ForgetOrderedLines(cart.store, cart.clock)(OrderedLines(ANN.user_id, [OrderedItem("p1", 4)]))
    assert await cart.quantities(ann) == {}


async def test_a_user_without_a_cart_is_fine(cart: CartApp) -> None:
    await ForgetOrderedLines(cart.store, cart.clock)(OrderedLines(ANN.user_id, [OrderedItem("p1", 1)]))
    assert await cart.store.get("user:" + ANN.user_id) is None
