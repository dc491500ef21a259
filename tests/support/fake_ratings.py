"""``ports.ratings.Ratings`` set by hand, for the tests of the contexts that show ratings (products, search,
sellers), which need not run the reviews context to do so."""

from __future__ import annotations

from collections.abc import Sequence

from core.shared.errors import Unavailable
from ports.ratings import RatingSummary


def rating_of(*given: int) -> RatingSummary:
    """The summary of reviews giving these stars (1 to 5 each)."""
    stars = tuple(given.count(n) for n in range(1, 6))
    return RatingSummary(len(given), round(sum(given) / len(given), 2), stars)


class FakeRatings:
    """Ratings per product and per seller; ``down`` makes every read fail as an outage of the reviews
    context does. ``asked`` records the ids of each read."""

    def __init__(self) -> None:
        self.products: dict[str, RatingSummary] = {}
        self.sellers: dict[str, RatingSummary] = {}
        self.down = False
        self.asked: list[list[str]] = []

    def rate_product(self, product_id: str, *stars: int) -> RatingSummary:
        self.products[product_id] = rating_of(*stars)
        return self.products[product_id]

    def rate_seller(self, seller_id: str, *stars: int) -> RatingSummary:
        self.sellers[seller_id] = rating_of(*stars)
        return self.sellers[seller_id]

    def _read(self, rated: dict[str, RatingSummary], ids: Sequence[str]) -> dict[str, RatingSummary]:
        self.asked.append(list(ids))
        if self.down:
            raise Unavailable("the ratings are unavailable (test)")
        return {i: rated[i] for i in ids if i in rated}

    async def of_products(self, product_ids: Sequence[str]) -> dict[str, RatingSummary]:
        return self._read(self.products, product_ids)

    async def of_sellers(self, seller_ids: Sequence[str]) -> dict[str, RatingSummary]:
        return self._read(self.sellers, seller_ids)
