"""Product cards: what a seller lists, what moderation reviews, and what customers see.

A card has a working revision (the seller's current content, ``revision``) and, once a revision was
approved, a live version (``live``: the content customers see). The working revision moves::

    draft --submit--> pending_moderation --approve--> published
                                          \\--reject--> rejected (with reasons)
    any --archive--> archived (final; a live version leaves the shop)

An edit of a card that is no longer a draft starts a new revision (draft again), so a moderation decision
names the revision it is about and one for an older revision is ignored. While an edit waits, is
rejected or is still a draft, the live version stays what customers see; an approved edit replaces it.
A suspended seller's live cards leave the shop (``ProductUnpublished``) and come back on reinstatement
(``ProductPublished`` again), without any change to the cards themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

import attrs

from core.products.categories import Category
from core.products.events import (
    ProductAttribute,
    ProductCreated,
    ProductPublished,
    ProductRejected,
    ProductSubmitted,
    ProductUnpublished,
)
from core.shared.errors import Conflict, Validation
from core.shared.events import Aggregate
from core.shared.money import CURRENCIES, Money

TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 5000
BRAND_MAX = 100
SKU_MAX = 64
MAX_ATTRIBUTES = 50
ATTRIBUTE_NAME_MAX = 60
ATTRIBUTE_TEXT_MAX = 500
# A billion in major units: no real listing costs more, and it keeps sums of many lines in 64 bits.
PRICE_MAX = 100_000_000_000
# Larger numbers lose integer precision as JSON numbers (IEEE doubles).
NUMBER_MAX = 2**53
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/]*", re.ASCII)

UNPUBLISHED_ARCHIVED = "archived"
UNPUBLISHED_SELLER_SUSPENDED = "seller_suspended"


class ProductStatus(StrEnum):
    DRAFT = "draft"
    PENDING_MODERATION = "pending_moderation"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class AttributeKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"


@attrs.frozen
class CardContent:
    """What moderation reviews and customers see of a card (its SKU is the seller's business)."""

    title: str
    description: str
    brand: str
    category_id: str
    attributes: tuple[ProductAttribute, ...]
    price: Money


@attrs.frozen
class LiveVersion:
    revision: int
    content: CardContent
    published_at: datetime


@attrs.frozen
class ShopFacts:
    """What the other parts of the products context know of a card when it is published."""

    category_path: list[str]  # category ids from the root down to the card's category
    available: int
    image_urls: list[str]


# --- checking the seller's input -------------------------------------------------------------------


def _has_control_characters(text: str, allowed: str = "") -> bool:
    return any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in text)


def clean_line(v: Validation, value: str, field: str, *, min_len: int = 0, max_len: int) -> str:
    """One line of text, whitespace runs folded to one space."""
    if _has_control_characters(value, "\t"):
        v.add(field, "must not contain control characters")
        return value
    text = " ".join(value.split())
    if min_len and len(text) < min_len:
        v.add(field, "must not be empty" if not text else f"must be at least {min_len} characters")
    elif len(text) > max_len:
        v.add(field, f"must be at most {max_len} characters")
    return text


def clean_description(v: Validation, value: str, field: str = "description") -> str:
    """Free text: line breaks are kept, only the ends are trimmed."""
    if _has_control_characters(value, "\t\n\r"):
        v.add(field, "must not contain control characters")
        return value
    text = value.replace("\r\n", "\n").strip()
    if len(text) > DESCRIPTION_MAX:
        v.add(field, f"must be at most {DESCRIPTION_MAX} characters")
    return text


def clean_sku(v: Validation, value: str, field: str = "sku") -> str:
    sku = value.strip()
    if not sku:
        v.add(field, "must not be empty")
    elif len(sku) > SKU_MAX:
        v.add(field, f"must be at most {SKU_MAX} characters")
    elif not _SKU.fullmatch(sku):
        v.add(field, "must be letters, digits and . _ - / (starting with a letter or digit)")
    return sku


def check_price(v: Validation, amount: int, currency: str, field: str = "price") -> Money | None:
    ok = True
    if isinstance(amount, bool) or not isinstance(amount, int):
        v.add(f"{field}.amount", "must be an integer number of minor units (cents)")
        ok = False
    elif not 0 < amount <= PRICE_MAX:
        v.add(f"{field}.amount", f"must be between 1 and {PRICE_MAX} minor units")
        ok = False
    if currency not in CURRENCIES:
        v.add(f"{field}.currency", "must be an ISO 4217 code the shop trades in, such as EUR")
        ok = False
    return Money(amount, currency) if ok else None


def canonical_number(value: float) -> str:
    """The text a number is stored as: ``42`` for an integral value, the shortest round trip otherwise."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def wire_value(attribute: ProductAttribute) -> str | float | bool:
    """An attribute's value as JSON carries it: a string, a number, or true/false."""
    if attribute.kind == AttributeKind.NUMBER:
        number = float(attribute.value)
        return int(number) if number.is_integer() else number
    if attribute.kind == AttributeKind.BOOLEAN:
        return attribute.value == "true"
    return attribute.value


def _attribute_value(v: Validation, kind: AttributeKind, value: object, field: str) -> str | None:
    if kind is AttributeKind.TEXT:
        if not isinstance(value, str):
            v.add(field, "must be a string for a text attribute")
            return None
        text = clean_line(v, value, field, min_len=1, max_len=ATTRIBUTE_TEXT_MAX)
        return text
    if kind is AttributeKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            v.add(field, "must be a number for a number attribute")
            return None
        if not math.isfinite(value) or abs(value) > NUMBER_MAX:
            v.add(field, f"must be a finite number between -{NUMBER_MAX} and {NUMBER_MAX}")
            return None
        return canonical_number(value)
    if not isinstance(value, bool):
        v.add(field, "must be true or false for a boolean attribute")
        return None
    return "true" if value else "false"


def check_attributes(
    v: Validation, attributes: Sequence[tuple[str, str, object]], field: str = "attributes"
) -> tuple[ProductAttribute, ...]:
    """``(name, kind, value)`` triples as the seller sent them -> typed attributes with canonical values."""
    if len(attributes) > MAX_ATTRIBUTES:
        v.add(field, f"must have at most {MAX_ATTRIBUTES} items")
        return ()
    checked: list[ProductAttribute] = []
    seen: set[str] = set()
    for i, (raw_name, raw_kind, raw_value) in enumerate(attributes):
        at = f"{field}.{i}"
        name = clean_line(v, raw_name, f"{at}.name", min_len=1, max_len=ATTRIBUTE_NAME_MAX)
        if name and name.casefold() in seen:
            v.add(f"{at}.name", "names an attribute given before: each name once")
        seen.add(name.casefold())
        try:
            kind = AttributeKind(raw_kind)
        except ValueError:
            v.add(f"{at}.kind", f"must be one of {', '.join(k.value for k in AttributeKind)}")
            continue
        value = _attribute_value(v, kind, raw_value, f"{at}.value")
        if value is not None:
            checked.append(ProductAttribute(name, kind.value, value))
    return tuple(checked)


# --- the card ----------------------------------------------------------------------------------------


@attrs.define
class Product(Aggregate):
    id: str
    seller_id: str
    sku: str
    content: CardContent
    status: ProductStatus
    revision: int
    created_at: datetime
    updated_at: datetime
    live: LiveVersion | None = None
    rejection_reasons: tuple[str, ...] = ()

    @classmethod
    def create(cls, product_id: str, seller_id: str, sku: str, content: CardContent, now: datetime) -> Product:
        product = cls(product_id, seller_id, sku, content, ProductStatus.DRAFT, 1, now, now)
        product.record(ProductCreated(occurred_at=now, product_id=product_id, seller_id=seller_id, title=content.title))
        return product

    @property
    def archived(self) -> bool:
        return self.status is ProductStatus.ARCHIVED

    def edit(self, sku: str, content: CardContent, now: datetime) -> bool:
        """Change the working revision; an edit of a submitted, published or rejected one starts a new one."""
        if self.archived:
            raise Conflict("an archived card cannot be changed")
        if sku == self.sku and content == self.content:
            return False
        if self.status is not ProductStatus.DRAFT:
            self.revision += 1
            self.status = ProductStatus.DRAFT
            self.rejection_reasons = ()
        self.sku, self.content, self.updated_at = sku, content, now
        return True

    def submit(self, image_count: int, now: datetime) -> None:
        if self.status is ProductStatus.PENDING_MODERATION:
            raise Conflict("this revision of the card is already waiting for moderation")
        if self.status is not ProductStatus.DRAFT:
            raise Conflict(f"only a draft can be submitted, and this card is {self.status.value}: edit it first")
        self.status, self.updated_at = ProductStatus.PENDING_MODERATION, now
        c = self.content
        self.record(
            ProductSubmitted(
                occurred_at=now,
                product_id=self.id,
                seller_id=self.seller_id,
                revision=self.revision,
                title=c.title,
                description=c.description,
                brand=c.brand,
                category_id=c.category_id,
                attributes=list(c.attributes),
                price=c.price,
                sku=self.sku,
                image_count=image_count,
            )
        )

    def awaits(self, revision: int) -> bool:
        """Whether a moderation decision about ``revision`` applies now (it is the one waiting)."""
        return self.status is ProductStatus.PENDING_MODERATION and revision == self.revision

    def approve(self, revision: int, facts: ShopFacts, *, seller_suspended: bool, now: datetime) -> bool:
        """Publish ``revision``; False (and nothing changes) when the decision is stale or applied already."""
        if not self.awaits(revision):
            return False
        self.live = LiveVersion(revision, self.content, now)
        self.status, self.rejection_reasons, self.updated_at = ProductStatus.PUBLISHED, (), now
        if not seller_suspended:  # it is shown when the seller is reinstated
            self._published(facts, now)
        return True

    def reject(self, revision: int, reasons: Sequence[str], now: datetime) -> bool:
        """Refuse ``revision``; a live version, if any, stays what customers see."""
        if not self.awaits(revision):
            return False
        self.status, self.rejection_reasons, self.updated_at = ProductStatus.REJECTED, tuple(reasons), now
        self.record(
            ProductRejected(
                occurred_at=now, product_id=self.id, seller_id=self.seller_id, revision=revision, reasons=list(reasons)
            )
        )
        return True

    def archive(self, *, seller_suspended: bool, now: datetime) -> bool:
        if self.archived:
            return False
        was_shown = self.live is not None and not seller_suspended
        self.status, self.live, self.updated_at = ProductStatus.ARCHIVED, None, now
        if was_shown:
            self._unpublished(UNPUBLISHED_ARCHIVED, now)
        return True

    def hide_for_suspension(self, now: datetime) -> bool:
        """The seller was suspended: a live card leaves the shop (the card itself is unchanged)."""
        if self.live is None:
            return False
        self._unpublished(UNPUBLISHED_SELLER_SUSPENDED, now)
        return True

    def show_after_reinstatement(self, facts: ShopFacts, now: datetime) -> bool:
        """The seller was reinstated: a live card is back in the shop, as it was."""
        if self.live is None:
            return False
        self._published(facts, now)
        return True

    def _published(self, facts: ShopFacts, now: datetime) -> None:
        assert self.live is not None
        c = self.live.content
        self.record(
            ProductPublished(
                occurred_at=now,
                product_id=self.id,
                seller_id=self.seller_id,
                revision=self.live.revision,
                title=c.title,
                description=c.description,
                brand=c.brand,
                category_id=c.category_id,
                category_path=list(facts.category_path),
                attributes=list(c.attributes),
                price=c.price,
                available=facts.available,
                image_urls=list(facts.image_urls),
                published_at=self.live.published_at,
            )
        )

    def _unpublished(self, reason: str, now: datetime) -> None:
        self.record(ProductUnpublished(occurred_at=now, product_id=self.id, seller_id=self.seller_id, reason=reason))


@attrs.frozen
class ShownCard:
    """A card as the shop reads it (``ports.products.ShopCards``): the card, and what the rest of the
    products context knows of it now."""

    product: Product
    lineage: list[Category]  # the live version's category and its ancestors; [] without a live version
    seller_suspended: bool
    available: int
    image_urls: list[str]  # of its ready images, in display order
