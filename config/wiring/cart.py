"""The cart: carts in Redis (infra) or in memory. Product data comes from ``ports.catalog.ProductCatalog``,
which the products context's wiring registers."""

from __future__ import annotations

from adapters.memory.cart import MemoryCartStore
from adapters.system import SecureTokens
from config.runtime import Wiring
from core.cart import use_cases as uc
from core.cart.contents import CheckoutCart
from core.cart.ordered import ForgetOrderedLines
from ports.cart import CartStore, CartTokens
from ports.checkout import CartContents


def register(w: Wiring) -> None:
    ttl = w.settings.cart_guest_ttl_seconds
    w.container.register(CartTokens, instance=SecureTokens())
    if w.infra:
        from adapters.redis.cart import RedisCartStore

        w.container.register(CartStore, instance=RedisCartStore(w.redis, ttl))
    else:
        w.container.register(CartStore, instance=MemoryCartStore(ttl))
    w.use_cases(
        uc.StartCart,
        uc.ShowCart,
        uc.AddItem,
        uc.ChangeItemQuantity,
        uc.RemoveItem,
        uc.EmptyCart,
        uc.MergeGuestCart,
        uc.DeleteUserCart,
        ForgetOrderedLines,
    )
    # What checkout reads of a customer's cart.
    w.container.register(CartContents, factory=lambda: CheckoutCart(w.container.resolve(CartStore)))
