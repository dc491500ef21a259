"""The cart's reaction to a checkout: what was ordered leaves the customer's cart.

Runs on orders.OrderPlaced, possibly well after the checkout: a line the customer raised meanwhile keeps
the units beyond those ordered, and a line added or removed meanwhile is left as the customer has it.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from core.cart.model import Cart, user_cart_id
from core.shared.errors import Conflict
from ports.cart import CartStore
from ports.checkout import OrderedItem
from ports.shared import Clock

ATTEMPTS = 5


@attrs.frozen
class OrderedLines:
    user_id: str
    items: Sequence[OrderedItem]


def _forget(cart: Cart, items: Sequence[OrderedItem], clock: Clock) -> bool:
    """Take the ordered units out of ``cart``; return whether anything changed."""
    changed = False
    for item in items:
        held = cart.lines.get(item.product_id)
        if held is None:
            continue
        cart.set_quantity(item.product_id, max(0, held - item.quantity), clock.now())
        changed = True
    return changed


class ForgetOrderedLines:
    """Safe to repeat only through the consumer's inbox (a second pass would take the units again)."""

    def __init__(self, store: CartStore, clock: Clock) -> None:
        self.store, self.clock = store, clock

    async def __call__(self, command: OrderedLines) -> None:
        cart_id = user_cart_id(command.user_id)
        for _ in range(ATTEMPTS):
            cart = await self.store.get(cart_id)
            if cart is None or not _forget(cart, command.items, self.clock):
                return
            if await self.store.save(cart):
                return
        raise Conflict("the cart was changed by another request meanwhile; try again")
