"""The cart's own rules: quantities per line, lines per cart, and how a guest cart joins a user's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.cart.model import MAX_LINES, MAX_QUANTITY, Cart, guest_cart_id, user_cart_id
from core.shared.errors import Conflict, NotFound, ValidationFailed

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def full_cart(lines: int = MAX_LINES) -> Cart:
    return Cart(user_cart_id("ann"), {f"p{i:02d}": 1 for i in range(lines)})


def test_a_guest_cart_is_stored_under_a_hash_of_its_token_never_the_token() -> None:
    cart_id = guest_cart_id("the-secret-token")

    assert "the-secret-token" not in cart_id
    assert cart_id == guest_cart_id("the-secret-token")
    assert cart_id != guest_cart_id("another-token")
    assert Cart(cart_id).is_guest
    assert not Cart(user_cart_id("ann")).is_guest


def test_adding_twice_adds_up_and_marks_the_change() -> None:
    cart = Cart(user_cart_id("ann"))

    cart.add("p1", 2, NOW)
    cart.add("p1", 3, LATER)

    assert cart.lines == {"p1": 5}
    assert cart.item_count == 5
    assert cart.updated_at == LATER


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1])
def test_a_quantity_outside_1_to_99_is_refused_naming_quantity(quantity: int) -> None:
    cart = Cart(user_cart_id("ann"))

    with pytest.raises(ValidationFailed) as refused:
        cart.add("p1", quantity, NOW)

    assert [e.field for e in refused.value.errors] == ["quantity"]
    assert cart.lines == {}


def test_adding_past_99_units_on_a_line_is_refused_and_changes_nothing() -> None:
    cart = Cart(user_cart_id("ann"), {"p1": 90})

    with pytest.raises(ValidationFailed) as refused:
        cart.add("p1", 10, NOW)

    assert [e.field for e in refused.value.errors] == ["quantity"]
    assert "90" in refused.value.errors[0].message
    assert cart.lines == {"p1": 90}
    cart.add("p1", 9, NOW)
    assert cart.lines == {"p1": MAX_QUANTITY}


def test_a_51st_product_is_a_conflict_but_more_of_one_already_there_is_fine() -> None:
    cart = full_cart()

    with pytest.raises(Conflict):
        cart.add("another", 1, NOW)
    cart.add("p00", 1, NOW)

    assert len(cart.lines) == MAX_LINES
    assert cart.lines["p00"] == 2


def test_setting_a_quantity_replaces_it_and_zero_removes_the_line() -> None:
    cart = Cart(user_cart_id("ann"), {"p1": 2, "p2": 1})

    cart.set_quantity("p1", 7, NOW)
    assert cart.lines == {"p1": 7, "p2": 1}
    cart.set_quantity("p1", 0, NOW)
    assert cart.lines == {"p2": 1}


@pytest.mark.parametrize("quantity", [-1, MAX_QUANTITY + 1])
def test_setting_a_quantity_outside_0_to_99_is_refused(quantity: int) -> None:
    cart = Cart(user_cart_id("ann"), {"p1": 2})

    with pytest.raises(ValidationFailed) as refused:
        cart.set_quantity("p1", quantity, NOW)

    assert [e.field for e in refused.value.errors] == ["quantity"]
    assert cart.lines == {"p1": 2}


def test_changing_or_removing_a_line_not_in_the_cart_is_not_found() -> None:
    cart = Cart(user_cart_id("ann"), {"p1": 2})

    with pytest.raises(NotFound):
        cart.set_quantity("p2", 1, NOW)
    with pytest.raises(NotFound):
        cart.remove("p2", NOW)
    assert cart.lines == {"p1": 2}


def test_absorbing_a_guest_cart_sums_quantities_and_caps_each_line_at_99() -> None:
    mine = Cart(user_cart_id("ann"), {"p1": 1, "p2": 60})
    guest = Cart(guest_cart_id("t"), {"p2": 50, "p3": 4})

    mine.absorb(guest, LATER)

    assert mine.lines == {"p1": 1, "p2": MAX_QUANTITY, "p3": 4}
    assert mine.notes == ["1 product from your guest cart reached the limit of 99 units per line"]
    assert mine.updated_at == LATER


def test_absorbing_past_50_lines_drops_the_extra_guest_lines_with_a_note() -> None:
    mine = full_cart(MAX_LINES - 1)
    guest = Cart(guest_cart_id("t"), {"p00": 2, "x1": 1, "x2": 1, "x3": 1})

    mine.absorb(guest, NOW)

    assert len(mine.lines) == MAX_LINES
    assert mine.lines["p00"] == 3  # a product already there is never dropped
    assert "x1" in mine.lines  # guest lines join in product id order until the cart is full
    assert "x2" not in mine.lines
    assert "x3" not in mine.lines
    assert mine.notes == ["2 products from your guest cart were not added: a cart holds at most 50 products"]


def test_the_merge_notes_stay_until_the_shopper_changes_the_cart() -> None:
    mine = full_cart()
    mine.absorb(Cart(guest_cart_id("t"), {"extra": 1}), NOW)
    assert mine.notes == ["1 product from your guest cart was not added: a cart holds at most 50 products"]

    mine.remove("p00", LATER)

    assert mine.notes == []
