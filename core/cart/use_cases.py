"""Cart use cases: start a guest cart, view, add, change, remove, clear, and merge at login."""

from __future__ import annotations

from collections.abc import Callable

from core.cart.commands import (
    AddToCart,
    CartLineView,
    CartView,
    ChangeQuantity,
    ClearCart,
    ForgetUserCart,
    GuestCart,
    MergeCarts,
    RemoveFromCart,
    Shopper,
    StartGuestCart,
    ViewCart,
)
from core.cart.model import Cart, UnknownCart, guest_cart_id, is_guest, user_cart_id
from core.shared.errors import Conflict, NotFound, Unauthenticated
from core.shared.money import Money
from ports.cart import CartStore, CartTokens
from ports.catalog import Offer, ProductCatalog
from ports.shared import Clock

# A save from a stale read is redone from a fresh one; only a cart changed this often at once gives up.
ATTEMPTS = 5


def cart_id_of(shopper: Shopper) -> str:
    if shopper.principal is not None:
        return user_cart_id(shopper.principal.user_id)
    if shopper.cart_token is not None:
        return guest_cart_id(shopper.cart_token)
    raise Unauthenticated("send the X-Cart-Token of a guest cart (POST /api/v1/cart/guest makes one) or log in")


async def _cart(store: CartStore, cart_id: str) -> Cart:
    """The stored cart; a user who never had one has an empty one, a guest token must name a live cart."""
    cart = await store.get(cart_id)
    if cart is not None:
        return cart
    if is_guest(cart_id):
        raise UnknownCart()
    return Cart(cart_id)


async def _change(store: CartStore, shopper: Shopper, change: Callable[[Cart], None]) -> Cart:
    cart_id = cart_id_of(shopper)
    for _ in range(ATTEMPTS):
        cart = await _cart(store, cart_id)
        change(cart)
        if await store.save(cart):
            return cart
    raise Conflict("the cart was changed by another request meanwhile; try again")


def _line(product_id: str, quantity: int, offer: Offer | None) -> CartLineView:
    if offer is None:
        return CartLineView(
            product_id=product_id,
            title=None,
            unit_price=None,
            quantity=quantity,
            line_total=None,
            available=0,
            purchasable=False,
            image_url=None,
            note="this product is no longer sold",
        )
    note = None
    if offer.available <= 0:
        note = "this product is out of stock"
    elif not offer.purchasable:
        note = "this product cannot be bought at the moment"
    elif quantity > offer.available:
        note = f"only {offer.available} available"
    return CartLineView(
        product_id=product_id,
        title=offer.title,
        unit_price=offer.price,
        quantity=quantity,
        line_total=offer.price * quantity,
        available=max(0, offer.available),
        purchasable=offer.purchasable,
        image_url=offer.image_url,
        note=note,
    )


async def cart_view(cart: Cart, catalog: ProductCatalog) -> CartView:
    """The cart at today's prices and availability, read from the catalogue now."""
    product_ids = sorted(cart.lines)
    offers = await catalog.offers(product_ids) if product_ids else {}
    lines = [_line(product_id, cart.lines[product_id], offers.get(product_id)) for product_id in product_ids]
    totals: dict[str, Money] = {}
    for line in lines:
        if line.purchasable and line.line_total is not None:
            currency = line.line_total.currency
            totals[currency] = totals.get(currency, Money.zero(currency)) + line.line_total
    return CartView(
        lines=lines,
        totals=[totals[currency] for currency in sorted(totals)],
        item_count=cart.item_count,
        notes=list(cart.notes),
        updated_at=cart.updated_at,
    )


class StartCart:
    """A new, empty guest cart whose token only its holder knows."""

    def __init__(self, store: CartStore, tokens: CartTokens, clock: Clock) -> None:
        self.store, self.tokens, self.clock = store, tokens, clock

    async def __call__(self, command: StartGuestCart) -> GuestCart:
        token = self.tokens.new_token()
        if not await self.store.save(Cart.start(guest_cart_id(token), self.clock.now())):
            raise Conflict("could not start a cart; try again")  # a 256-bit token collided: never in practice
        return GuestCart(token)


class ShowCart:
    def __init__(self, store: CartStore, catalog: ProductCatalog) -> None:
        self.store, self.catalog = store, catalog

    async def __call__(self, command: ViewCart) -> CartView:
        return await cart_view(await _cart(self.store, cart_id_of(command.shopper)), self.catalog)


class AddItem:
    """Put a published product in the cart (or more of it). Anything else is "no such product"."""

    def __init__(self, store: CartStore, catalog: ProductCatalog, clock: Clock) -> None:
        self.store, self.catalog, self.clock = store, catalog, clock

    async def __call__(self, command: AddToCart) -> CartView:
        await _cart(self.store, cart_id_of(command.shopper))  # an unknown cart is refused before any lookup
        offers = await self.catalog.offers([command.product_id])
        if command.product_id not in offers:
            raise NotFound("no such product")
        now = self.clock.now()
        cart = await _change(self.store, command.shopper, lambda c: c.add(command.product_id, command.quantity, now))
        return await cart_view(cart, self.catalog)


class ChangeItemQuantity:
    def __init__(self, store: CartStore, catalog: ProductCatalog, clock: Clock) -> None:
        self.store, self.catalog, self.clock = store, catalog, clock

    async def __call__(self, command: ChangeQuantity) -> CartView:
        now = self.clock.now()
        cart = await _change(
            self.store, command.shopper, lambda c: c.set_quantity(command.product_id, command.quantity, now)
        )
        return await cart_view(cart, self.catalog)


class RemoveItem:
    def __init__(self, store: CartStore, clock: Clock) -> None:
        self.store, self.clock = store, clock

    async def __call__(self, command: RemoveFromCart) -> None:
        now = self.clock.now()
        await _change(self.store, command.shopper, lambda c: c.remove(command.product_id, now))


class EmptyCart:
    def __init__(self, store: CartStore, clock: Clock) -> None:
        self.store, self.clock = store, clock

    async def __call__(self, command: ClearCart) -> None:
        now = self.clock.now()
        await _change(self.store, command.shopper, lambda c: c.clear(now))


class MergeGuestCart:
    """At login: the guest cart's lines join the user's cart and the guest cart is gone, in one save.
    An unknown or expired token merges nothing: the login goes on regardless."""

    def __init__(self, store: CartStore, clock: Clock) -> None:
        self.store, self.clock = store, clock

    async def __call__(self, command: MergeCarts) -> None:
        guest_id, user_id = guest_cart_id(command.cart_token), user_cart_id(command.user_id)
        for _ in range(ATTEMPTS):
            guest = await self.store.get(guest_id)
            if guest is None:
                return
            cart = await _cart(self.store, user_id)
            cart.absorb(guest, self.clock.now())
            if await self.store.save(cart, discard=guest_id):
                return
        raise Conflict("the cart was changed by another request meanwhile; try again")


class DeleteUserCart:
    """Runs on auth.AccountDeleted: a user cart never expires, so it must be removed with the account.
    Safe to repeat."""

    def __init__(self, store: CartStore) -> None:
        self.store = store

    async def __call__(self, command: ForgetUserCart) -> None:
        await self.store.delete(user_cart_id(command.user_id))
