"""``ports.checkout.CartContents``: what checkout reads of a customer's cart (products and quantities)."""

from __future__ import annotations

from core.cart.model import user_cart_id
from ports.cart import CartStore
from ports.checkout import OrderedItem


class CheckoutCart:
    def __init__(self, store: CartStore) -> None:
        self.store = store

    async def lines(self, user_id: str) -> list[OrderedItem]:
        cart = await self.store.get(user_cart_id(user_id))
        if cart is None:
            return []
        return [OrderedItem(product_id, quantity) for product_id, quantity in sorted(cart.lines.items())]
