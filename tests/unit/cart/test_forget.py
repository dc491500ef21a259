"""A deleted account's cart goes with it (user carts never expire on their own)."""

from __future__ import annotations

from core.cart import use_cases as uc
from core.cart.commands import ForgetUserCart, Shopper

from .conftest import ANN, BOB, CartApp, eur


async def test_the_cart_of_a_deleted_account_is_removed_and_others_stay(cart: CartApp) -> None:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    ann, bob = Shopper(principal=ANN), Shopper(principal=BOB)
    await cart.put(ann, "p1", 2)
    await cart.put(bob, "p1", 1)

    forget = uc.DeleteUserCart(cart.store)
    await forget(ForgetUserCart(ANN.user_id))
    await forget(ForgetUserCart(ANN.user_id))  # a redelivered event changes nothing more

    assert await cart.quantities(ann) == {}
    assert await cart.quantities(bob) == {"p1": 1}
