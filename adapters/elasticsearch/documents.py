"""Product and seller documents as Elasticsearch sources, and back (see mapping.py for the fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.search.model import Attribute, ProductDocument, SellerDocument, micros
from core.search.text import fold, words
from core.shared.money import MINOR_UNITS, Money


def searchable(text: str) -> str:
    """The text as its folded words, which the whitespace analyzer indexes as they are."""
    return " ".join(words(text))


def product_source(document: ProductDocument) -> dict[str, Any]:
    title = " ".join(document.title.split())
    brand = " ".join(document.brand.split())
    price = document.price
    return {
        "product_id": document.product_id,
        "seller_id": document.seller_id,
        "categories": list(document.categories),
        "brand_key": document.brand_key,
        "brand_written": brand,
        "title_key": fold(title),
        "title_written": title,
        **{field: searchable(text) for field, text in document.text_fields().items()},
        "currency": price.currency,
        "price": price.amount,
        "price_major": price.amount / 10 ** MINOR_UNITS[price.currency],
        "available": document.available,
        "rating": document.rating,
        "review_count": document.review_count,
        "published": micros(document.published_at),
        "suggest_weight": 1 + document.review_count,
        "document": {
            "product_id": document.product_id,
            "seller_id": document.seller_id,
            "revision": document.revision,
            "title": document.title,
            "description": document.description,
            "brand": document.brand,
            "attributes": [[a.name, a.kind, a.value] for a in document.attributes],
            "category_id": document.category_id,
            "category_path": list(document.category_path),
            "price": [price.amount, price.currency],
            "available": document.available,
            "image_url": document.image_url,
            "published_at": document.published_at.isoformat(),
            "rating": document.rating,
            "review_count": document.review_count,
        },
    }


def availability_change(available: int) -> dict[str, Any]:
    """The partial document that changes the units available (merged into the stored one)."""
    return {"available": available, "document": {"available": available}}


def rating_change(rating: float, review_count: int) -> dict[str, Any]:
    """The partial document that changes the ratings (merged into the stored one), with the suggestion
    weight that follows the number of reviews."""
    return {
        "rating": rating,
        "review_count": review_count,
        "suggest_weight": 1 + review_count,
        "document": {"rating": rating, "review_count": review_count},
    }


def tombstone(product_id: str) -> dict[str, Any]:
    return {"product_id": product_id, "removed": True}


def product_from(source: dict[str, Any]) -> ProductDocument | None:
    """The document of a source; None for a tombstone."""
    d = source.get("document")
    if d is None:
        return None
    amount, currency = d["price"]
    return ProductDocument(
        product_id=d["product_id"],
        seller_id=d["seller_id"],
        revision=d["revision"],
        title=d["title"],
        description=d["description"],
        brand=d["brand"],
        attributes=tuple(Attribute(*a) for a in d["attributes"]),
        category_id=d["category_id"],
        category_path=tuple(d["category_path"]),
        price=Money(amount, currency),
        available=d["available"],
        image_url=d["image_url"],
        published_at=datetime.fromisoformat(d["published_at"]),
        rating=d["rating"],
        review_count=d["review_count"],
    )


def seller_source(document: SellerDocument) -> dict[str, Any]:
    return {
        "seller_id": document.seller_id,
        "display_name": searchable(document.display_name),
        "name_key": document.name_key,
        "listed": document.listed,
        "document": {
            "seller_id": document.seller_id,
            "display_name": document.display_name,
            "description": document.description,
            "logo_url": document.logo_url,
            "listed": document.listed,
        },
    }


def seller_from(source: dict[str, Any]) -> SellerDocument:
    d = source["document"]
    return SellerDocument(d["seller_id"], d["display_name"], d["description"], d["logo_url"], d["listed"])
