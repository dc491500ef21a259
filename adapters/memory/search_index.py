"""The in-memory ``SearchIndex``: products and storefronts indexed in this process.

It serves both profiles until the Elasticsearch adapter arrives; the index is a read model fed by the
search consumer, so a restart starts it empty and the events of the day refill it. Every method runs to
completion without awaiting, so a search never sees half a write.
"""

from __future__ import annotations

from adapters.memory.search.products import ProductIndex
from adapters.memory.search.sellers import SellerIndex
from core.search.model import (
    ProductDocument,
    ProductQuery,
    ProductResults,
    SellerDocument,
    SellerQuery,
    SellerResults,
    Suggestion,
    SuggestQuery,
)


class MemorySearchIndex:
    def __init__(self) -> None:
        self.products = ProductIndex()
        self.sellers = SellerIndex()

    def clear(self) -> None:
        """Forget every document (tests that share one process between scenarios start from empty)."""
        self.products = ProductIndex()
        self.sellers = SellerIndex()

    async def put_product(self, document: ProductDocument) -> None:
        self.products.put(document)

    async def product(self, product_id: str) -> ProductDocument | None:
        return self.products.documents.get(product_id)

    async def remove_product(self, product_id: str) -> None:
        self.products.remove(product_id)

    async def set_available(self, product_id: str, available: int) -> bool:
        return self.products.set_available(product_id, available)

    async def search_products(self, query: ProductQuery) -> ProductResults:
        return self.products.search(query)

    async def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        return self.products.suggest(query)

    async def put_seller(self, document: SellerDocument) -> None:
        self.sellers.put(document)

    async def seller(self, seller_id: str) -> SellerDocument | None:
        return self.sellers.documents.get(seller_id)

    async def search_sellers(self, query: SellerQuery) -> SellerResults:
        return self.sellers.search(query)
