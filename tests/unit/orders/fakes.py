"""What checkout reads from other contexts, set by hand: the catalogue, the cart, the address book."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from core.shared.addresses import PostalAddress
from core.shared.money import Money
from ports.catalog import Offer
from ports.checkout import OrderedItem


class FakeCatalog:
    """Published products and their offers; an unpublished product has none."""

    def __init__(self) -> None:
        self._offers: dict[str, Offer] = {}

    def publish(self, product_id: str, price: Money, available: int = 10, *, seller_id: str = "seller-1") -> None:
        title = product_id.replace("-", " ").title()
        self._offers[product_id] = Offer(product_id, seller_id, title, price, available, None, available > 0)

    def unpublish(self, product_id: str) -> None:
        del self._offers[product_id]

    def stock(self, product_id: str, available: int) -> None:
        offer = self._offers[product_id]
        self._offers[product_id] = dataclasses.replace(offer, available=available, purchasable=available > 0)

    def reprice(self, product_id: str, price: Money) -> None:
        self._offers[product_id] = dataclasses.replace(self._offers[product_id], price=price)

    def suspend_seller(self, product_id: str) -> None:
        self._offers[product_id] = dataclasses.replace(self._offers[product_id], purchasable=False)

    async def offers(self, product_ids: Sequence[str]) -> dict[str, Offer]:
        return {p: self._offers[p] for p in product_ids if p in self._offers}


class FakeCarts:
    def __init__(self) -> None:
        self.carts: dict[str, dict[str, int]] = {}

    def put(self, user_id: str, product_id: str, quantity: int = 1) -> None:
        self.carts.setdefault(user_id, {})[product_id] = quantity

    async def lines(self, user_id: str) -> list[OrderedItem]:
        await asyncio.sleep(0)  # a real cart is a round trip: concurrent checkouts interleave here
        return [OrderedItem(p, q) for p, q in self.carts.get(user_id, {}).items()]


class FakeAddressBook:
    def __init__(self) -> None:
        self.books: dict[tuple[str, str], PostalAddress] = {}

    def add(self, user_id: str, address_id: str, city: str = "Berlin") -> PostalAddress:
        address = PostalAddress(
            recipient="Ann Example", line1="Hauptstr. 1", city=city, postal_code="10115", country="DE"
        )
        self.books[(user_id, address_id)] = address
        return address

    async def address(self, user_id: str, address_id: str) -> PostalAddress | None:
        return self.books.get((user_id, address_id))
