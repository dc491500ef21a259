"""A catalogue the cart tests set by hand: what ports.catalog.ProductCatalog would answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from core.shared.money import Money
from ports.catalog import Offer


class FakeCatalog:
    """Published products and their offers; a product never published, or unpublished, has no offer."""

    def __init__(self) -> None:
        self._offers: dict[str, Offer] = {}
        self.asked: list[list[str]] = []

    def publish(
        self,
        product_id: str,
        title: str,
        price: Money,
        available: int = 10,
        *,
        seller_id: str = "seller-1",
        image_url: str | None = None,
    ) -> Offer:
        offer = Offer(product_id, seller_id, title, price, available, image_url, purchasable=available > 0)
        self._offers[product_id] = offer
        return offer

    def unpublish(self, product_id: str) -> None:
        del self._offers[product_id]

    def stock(self, product_id: str, available: int) -> None:
        offer = self._offers[product_id]
        self._offers[product_id] = dataclasses.replace(offer, available=available, purchasable=available > 0)

    def suspend_seller(self, product_id: str) -> None:
        self._offers[product_id] = dataclasses.replace(self._offers[product_id], purchasable=False)

    async def offers(self, product_ids: Sequence[str]) -> dict[str, Offer]:
        self.asked.append(list(product_ids))
        return {p: self._offers[p] for p in product_ids if p in self._offers}
