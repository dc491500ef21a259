"""The search use cases over the in-memory index, and a maker of published cards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.memory.search_index import MemorySearchIndex
from core.search.commands import IndexProduct
from core.search.model import Attribute
from core.shared.money import Money

PUBLISHED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)

MakeCard = Callable[..., IndexProduct]


@pytest.fixture
def index() -> MemorySearchIndex:
    return MemorySearchIndex()


@pytest.fixture
def card() -> MakeCard:
    """``card(n, title=..., ...)``: the IndexProduct of a published card, sensible defaults for the rest."""

    def make(n: int, **fields: Any) -> IndexProduct:
        values: dict[str, Any] = {
            "product_id": f"product-{n:03d}",
            "seller_id": "seller-1",
            "revision": 1,
            "title": f"Product {n}",
            "description": "",
            "brand": "Acme",
            "attributes": (Attribute("colour", "text", "black"),),
            "category_id": "headphones",
            "category_path": ("electronics", "audio", "headphones"),
            "price": Money(1999, "EUR"),
            "available": 5,
            "image_urls": (f"https://cdn.example.com/{n}/1.jpg",),
            "published_at": PUBLISHED + timedelta(minutes=n),
        }
        values.update(fields)
        return IndexProduct(**values)

    return make
