"""Checkout: the cart becomes an order, once per idempotency key, or is refused and nothing is stored."""

from __future__ import annotations

import asyncio

import pytest

from core.orders.commands import ListAll, PlaceOrder
from core.orders.events import OrderLine, OrderPlaced
from core.orders.model import IDEMPOTENCY_KEY, OrderStatus
from core.shared.errors import Conflict, PermissionDenied, ValidationFailed
from core.shared.money import Money
from core.shared.security import Principal, Role
from tests.unit.harness import Published

from .conftest import ADMIN, ANN, BOB, HOME, POTTER, WEAVER, OrdersApp, eur


async def every_order(orders: OrdersApp) -> list[str]:
    page = await orders.list_all(ListAll(ADMIN))
    return [o.order_id for o in page.items]


async def test_the_cart_becomes_a_pending_order_at_todays_prices(orders: OrdersApp, published: Published) -> None:
    address = orders.addresses.add(ANN.user_id, HOME)
    orders.carts.put(ANN.user_id, "blue-teapot", 2)
    orders.carts.put(ANN.user_id, "wool-scarf", 1)

    result = await orders.checkout(PlaceOrder(ANN, "key-1", HOME, "tok_visa"))

    order = result.order
    assert result.placed
    assert (order.status, order.customer_id, order.address) == (OrderStatus.PENDING, ANN.user_id, address)
    assert [
        (line.product_id, line.seller_id, line.unit_price, line.quantity, line.line_total) for line in order.lines
    ] == [
        ("blue-teapot", POTTER.user_id, eur(2500), 2, eur(5000)),
        ("wool-scarf", WEAVER.user_id, eur(4000), 1, eur(4000)),
    ]
    assert order.total == eur(9000)
    assert order.placed_at == orders.clock.now()
    assert [(h.status, h.at) for h in order.history] == [(OrderStatus.PENDING, orders.clock.now())]
    [event] = published.of(OrderPlaced)
    assert (event.order_id, event.customer_id, event.total, event.address) == (
        order.order_id,
        ANN.user_id,
        eur(9000),
        address,
    )
    assert event.payment_token == "tok_visa"
    assert event.lines == [
        OrderLine("blue-teapot", POTTER.user_id, "Blue Teapot", eur(2500), 2),
        OrderLine("wool-scarf", WEAVER.user_id, "Wool Scarf", eur(4000), 1),
    ]


async def test_no_view_shows_the_payment_token(orders: OrdersApp) -> None:
    order = await orders.placed()
    assert "tok_visa" not in repr(order)
    assert "tok_visa" not in repr(await orders.stored(order.order_id))


async def test_a_later_price_change_does_not_touch_the_order(orders: OrdersApp) -> None:
    order = await orders.placed()
    orders.catalog.reprice("blue-teapot", eur(9999))
    stored = await orders.stored(order.order_id)
    assert stored is not None
    assert stored.lines[0].bought.unit_price == eur(2500)


async def test_a_repeated_key_answers_with_the_first_order(orders: OrdersApp, published: Published) -> None:
    first = await orders.placed()
    orders.carts.carts.clear()  # the cart emptied after the first checkout: the retry still succeeds

    again = await orders.checkout(PlaceOrder(ANN, "key-1", HOME, "tok_visa"))

    assert not again.placed
    assert again.order == first
    assert len(published.of(OrderPlaced)) == 1
    assert await every_order(orders) == [first.order_id]


async def test_two_concurrent_checkouts_with_one_key_make_one_order(orders: OrdersApp, published: Published) -> None:
    orders.addresses.add(ANN.user_id, HOME)
    orders.carts.put(ANN.user_id, "blue-teapot", 1)

    results = await asyncio.gather(*(orders.checkout(PlaceOrder(ANN, "same", HOME, "tok_visa")) for _ in range(3)))

    assert len({r.order.order_id for r in results}) == 1
    assert sorted(r.placed for r in results) == [False, False, True]
    assert len(published.of(OrderPlaced)) == 1
    assert len(await every_order(orders)) == 1


async def test_a_key_is_per_customer(orders: OrdersApp) -> None:
    ann = await orders.placed(ANN, "shared-key")
    bob = await orders.placed(BOB, "shared-key")
    assert ann.order_id != bob.order_id
    assert (ann.customer_id, bob.customer_id) == (ANN.user_id, BOB.user_id)


async def test_a_new_key_makes_a_new_order(orders: OrdersApp) -> None:
    first = await orders.placed(key="key-1")
    second = await orders.placed(key="key-2")
    assert first.order_id != second.order_id


async def test_an_empty_cart_is_a_conflict(orders: OrdersApp, published: Published) -> None:
    orders.addresses.add(ANN.user_id, HOME)
    with pytest.raises(Conflict, match=r"^your cart is empty$"):
        await orders.checkout(PlaceOrder(ANN, "key-1", HOME, "tok_visa"))
    assert await every_order(orders) == []
    assert published.of(OrderPlaced) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda c: c.unpublish("blue-teapot"), "blue-teapot"),
        (lambda c: c.stock("blue-teapot", 0), "Blue Teapot"),
        (lambda c: c.suspend_seller("blue-teapot"), "Blue Teapot"),
        (lambda c: c.stock("blue-teapot", 1), "only 1 of Blue Teapot"),
    ],
    ids=["unpublished", "out of stock", "seller suspended", "not enough"],
)
async def test_a_line_that_cannot_be_bought_is_a_conflict_naming_it(
    orders: OrdersApp, change: object, words: str
) -> None:
    orders.addresses.add(ANN.user_id, HOME)
    orders.carts.put(ANN.user_id, "green-mug", 1)
    orders.carts.put(ANN.user_id, "blue-teapot", 2)
    change(orders.catalog)  # type: ignore[operator]

    with pytest.raises(Conflict) as raised:
        await orders.checkout(PlaceOrder(ANN, "key-1", HOME, "tok_visa"))

    assert words in raised.value.message
    assert "blue-teapot" in raised.value.message
    assert await every_order(orders) == []


async def test_two_currencies_are_refused_naming_cart(orders: OrdersApp) -> None:
    orders.addresses.add(ANN.user_id, HOME)
    orders.carts.put(ANN.user_id, "blue-teapot", 1)
    orders.carts.put(ANN.user_id, "cowboy-hat", 1)

    with pytest.raises(ValidationFailed) as raised:
        await orders.checkout(PlaceOrder(ANN, "key-1", HOME, "tok_visa"))

    assert [e.field for e in raised.value.errors] == ["cart"]
    assert "one currency at a time" in raised.value.message
    assert await every_order(orders) == []


async def test_one_foreign_currency_is_fine(orders: OrdersApp) -> None:
    order = await orders.placed(cowboy_hat=2)
    assert order.total == Money(10000, "USD")


@pytest.mark.parametrize("address_id", ["no-such-address", "address-of-bob"])
async def test_an_address_not_in_the_callers_book_is_refused_naming_address_id(
    orders: OrdersApp, address_id: str
) -> None:
    orders.addresses.add(BOB.user_id, "address-of-bob")
    orders.carts.put(ANN.user_id, "blue-teapot", 1)

    with pytest.raises(ValidationFailed) as raised:
        await orders.checkout(PlaceOrder(ANN, "key-1", address_id, "tok_visa"))

    assert [e.field for e in raised.value.errors] == ["address_id"]
    assert await every_order(orders) == []


@pytest.mark.parametrize(
    ("key", "token", "address_id", "fields"),
    [
        ("", "tok_visa", HOME, [IDEMPOTENCY_KEY]),
        ("k" * 101, "tok_visa", HOME, [IDEMPOTENCY_KEY]),
        ("has space", "tok_visa", HOME, [IDEMPOTENCY_KEY]),
        ("ключ", "tok_visa", HOME, [IDEMPOTENCY_KEY]),
        ("key-1", "", HOME, ["payment_token"]),
        ("key-1", "tok-visa", HOME, ["payment_token"]),
        ("key-1", "t" * 101, HOME, ["payment_token"]),
        ("key-1", "tok_visa", "", ["address_id"]),
        ("key-1", "tok_visa", "a" * 65, ["address_id"]),
        ("bad key", "4242 4242 4242 4242", "", [IDEMPOTENCY_KEY, "payment_token", "address_id"]),
    ],
)
async def test_bad_input_names_every_bad_field(
    orders: OrdersApp, key: str, token: str, address_id: str, fields: list[str]
) -> None:
    orders.addresses.add(ANN.user_id, HOME)
    orders.carts.put(ANN.user_id, "blue-teapot", 1)

    with pytest.raises(ValidationFailed) as raised:
        await orders.checkout(PlaceOrder(ANN, key, address_id, token))

    assert [e.field for e in raised.value.errors] == fields
    assert await every_order(orders) == []


async def test_keys_of_every_allowed_character_pass(orders: OrdersApp) -> None:
    order = await orders.placed(key="AZaz09_-:." + "k" * 90)
    assert order.status is OrderStatus.PENDING


async def test_only_a_customer_checks_out(orders: OrdersApp) -> None:
    carrier = Principal("carrier-1", frozenset({Role.CARRIER}))
    orders.addresses.add(carrier.user_id, HOME)
    orders.carts.put(carrier.user_id, "blue-teapot", 1)
    with pytest.raises(PermissionDenied):
        await orders.checkout(PlaceOrder(carrier, "key-1", HOME, "tok_visa"))
