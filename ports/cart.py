"""What the cart context needs from the outside world (its product data comes from ports.catalog)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.cart.model import Cart


class CartStore(Protocol):
    """Carts by id. Guest carts expire a fixed time after their last save; user carts never expire.

    Saves are optimistic: ``save`` stores the cart only if the stored one still has ``cart.version`` (0 for
    a cart never stored, or expired), so of two changes made from the same read one is refused and redone
    rather than silently lost.
    """

    async def get(self, cart_id: str) -> Cart | None:
        """The cart, or None if there is none (never saved, expired or deleted)."""
        ...

    async def save(self, cart: Cart, *, discard: str | None = None) -> bool:
        """Replace the stored cart with ``cart`` (restarting a guest cart's time to live) and, in the same
        step, delete the cart ``discard`` (a guest cart merged into this one). Return False, changing
        nothing, when the stored version is not ``cart.version``; on success ``cart.version`` moves on."""
        ...

    async def delete(self, cart_id: str) -> None: ...


class CartTokens(Protocol):
    def new_token(self) -> str:
        """An unguessable token (256 bits of entropy), URL-safe."""
        ...
