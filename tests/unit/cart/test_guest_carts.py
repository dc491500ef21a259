"""Guest carts: started with an unguessable token, refused once unknown or expired, merged at login."""

from __future__ import annotations

import pytest

from core.cart.commands import MergeCarts, Shopper, StartGuestCart, ViewCart
from core.cart.model import MAX_LINES, UnknownCart, guest_cart_id
from core.shared.errors import Unauthenticated

from .conftest import ANN, GUEST_TTL, CartApp, eur


@pytest.fixture
def shelf(cart: CartApp) -> CartApp:
    cart.catalog.publish("p1", "Teapot", eur(2500))
    cart.catalog.publish("p2", "Cup", eur(450))
    cart.catalog.publish("p3", "Tea", eur(800))
    return cart


async def test_a_guest_cart_starts_empty_with_a_token_of_256_bits(cart: CartApp) -> None:
    first = await cart.start(StartGuestCart())
    second = await cart.start(StartGuestCart())

    assert len(first.cart_token) >= 43  # 32 random bytes, URL-safe base64
    assert first.cart_token != second.cart_token
    assert (await cart.view(Shopper(cart_token=first.cart_token))).lines == []
    assert first.cart_token not in repr(first)


async def test_a_guest_fills_the_cart_by_its_token(shelf: CartApp) -> None:
    guest = await shelf.guest()
    await shelf.put(guest, "p1", 1)
    await shelf.put(guest, "p2", 2)

    assert (await shelf.view(guest)).totals == [eur(3400)]
    assert await shelf.quantities(await shelf.guest()) == {}  # another guest's cart is another cart


async def test_an_unknown_token_is_refused(shelf: CartApp) -> None:
    stranger = Shopper(cart_token="made-up-token")

    with pytest.raises(UnknownCart):
        await shelf.view(stranger)
    with pytest.raises(UnknownCart):
        await shelf.put(stranger, "p1")
    assert await shelf.store.get(guest_cart_id("made-up-token")) is None  # refusing made no cart


async def test_without_a_token_or_a_login_there_is_no_cart(shelf: CartApp) -> None:
    with pytest.raises(Unauthenticated):
        await shelf.show(ViewCart(Shopper()))


async def test_when_logged_in_the_users_cart_is_meant_even_with_a_token(shelf: CartApp) -> None:
    guest = await shelf.guest()
    await shelf.put(guest, "p1")

    both = Shopper(principal=ANN, cart_token=guest.cart_token)
    await shelf.put(both, "p2")

    assert await shelf.quantities(guest) == {"p1": 1}
    assert await shelf.quantities(Shopper(principal=ANN)) == {"p2": 1}


async def test_a_guest_cart_expires_after_its_time_to_live_from_the_last_change(shelf: CartApp) -> None:
    guest = await shelf.guest()
    shelf.monotonic.advance(GUEST_TTL - 1)
    await shelf.put(guest, "p1")  # a change starts its time again

    shelf.monotonic.advance(GUEST_TTL - 1)
    assert await shelf.quantities(guest) == {"p1": 1}
    shelf.monotonic.advance(1)
    with pytest.raises(UnknownCart):
        await shelf.view(guest)


async def test_a_users_cart_never_expires(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1")

    shelf.monotonic.advance(GUEST_TTL * 1000)

    assert await shelf.quantities(ann) == {"p1": 1}


async def test_at_login_the_guest_cart_joins_the_users_cart_and_is_gone(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1", 1)
    guest = await shelf.guest()
    await shelf.put(guest, "p1", 2)
    await shelf.put(guest, "p2", 1)

    assert guest.cart_token is not None
    await shelf.merge(MergeCarts(ANN.user_id, guest.cart_token))

    view = await shelf.view(ann)
    assert {line.product_id: line.quantity for line in view.lines} == {"p1": 3, "p2": 1}
    assert view.totals == [eur(3 * 2500 + 450)]
    assert view.notes == []
    with pytest.raises(UnknownCart):
        await shelf.view(guest)


async def test_merging_an_unknown_or_expired_token_changes_nothing(shelf: CartApp, ann: Shopper) -> None:
    await shelf.put(ann, "p1", 1)
    guest = await shelf.guest()
    await shelf.put(guest, "p2", 1)
    shelf.monotonic.advance(GUEST_TTL)

    assert guest.cart_token is not None
    await shelf.merge(MergeCarts(ANN.user_id, guest.cart_token))
    await shelf.merge(MergeCarts(ANN.user_id, "never-issued"))

    assert await shelf.quantities(ann) == {"p1": 1}


async def test_a_merge_past_the_limits_caps_and_drops_and_says_so(shelf: CartApp, ann: Shopper) -> None:
    for i in range(MAX_LINES - 1):
        shelf.catalog.publish(f"x{i:02d}", f"Item {i}", eur(100))
        await shelf.put(ann, f"x{i:02d}")
    await shelf.put(ann, "p1", 90)
    guest = await shelf.guest()
    await shelf.put(guest, "p1", 20)
    await shelf.put(guest, "p2", 1)

    assert guest.cart_token is not None
    await shelf.merge(MergeCarts(ANN.user_id, guest.cart_token))

    view = await shelf.view(ann)
    quantities = {line.product_id: line.quantity for line in view.lines}
    assert len(quantities) == MAX_LINES
    assert quantities["p1"] == 99
    assert "p2" not in quantities
    assert len(view.notes) == 2
