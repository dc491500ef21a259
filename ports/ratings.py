"""What other contexts read of the ratings: the product card and the search index show a product's, the
storefront a seller's. The reviews context keeps them; ``Ratings`` is implemented by reading its ratings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RatingSummary:
    count: int  # published reviews
    average: float  # mean stars, two decimals
    stars: tuple[int, ...]  # stars[n - 1]: reviews giving n stars (five numbers)


class Ratings(Protocol):
    async def of_products(self, product_ids: Sequence[str]) -> dict[str, RatingSummary]:
        """The ratings of the products that have published reviews (the others are absent)."""
        ...

    async def of_sellers(self, seller_ids: Sequence[str]) -> dict[str, RatingSummary]:
        """The ratings of the sellers whose products have published reviews (the others are absent)."""
        ...
