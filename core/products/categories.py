"""The category tree: an admin builds it; every product card sits in one of its categories.

A category's slug is derived from its name and is unique among its siblings, so a path of slugs
(``/electronics/phones``) names one category. Categories are never deleted (cards point at them); a
rename changes the name and the slug, not the id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime

import attrs

from core.products.events import CategoryCreated, CategoryRenamed
from core.shared.errors import Validation
from core.shared.events import Aggregate

CATEGORY_NAME_MAX = 80
# Deep enough for any shop's taxonomy (Home > Kitchen > Cookware > Pans > Woks > Carbon steel), shallow
# enough that a path of names still fits on a breadcrumb.
MAX_DEPTH = 6


def slug_of(name: str) -> str:
    """``"Küche & Bad"`` -> ``"kuche-bad"``: accents dropped, letters and digits kept, the rest one dash."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        kept.append(char if char.isalnum() else " ")
    return "-".join("".join(kept).split())


def clean_category_name(v: Validation, name: str, field: str = "name") -> str:
    if any(ord(c) < 32 for c in name):
        v.add(field, "must not contain control characters")
        return name
    text = " ".join(name.split())
    if not text:
        v.add(field, "must not be empty")
    elif len(text) > CATEGORY_NAME_MAX:
        v.add(field, f"must be at most {CATEGORY_NAME_MAX} characters")
    elif not slug_of(text):
        v.add(field, "must contain a letter or a digit")
    return text


@attrs.define
class Category(Aggregate):
    id: str
    name: str
    slug: str
    parent_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, category_id: str, name: str, parent_id: str | None, now: datetime) -> Category:
        category = cls(category_id, name, slug_of(name), parent_id, now, now)
        category.record(
            CategoryCreated(
                occurred_at=now, category_id=category_id, parent_id=parent_id, name=name, slug=category.slug
            )
        )
        return category

    def rename(self, name: str, now: datetime) -> bool:
        if name == self.name:
            return False
        self.name, self.slug, self.updated_at = name, slug_of(name), now
        self.record(CategoryRenamed(occurred_at=now, category_id=self.id, name=name, slug=self.slug))
        return True


class CategoryTree:
    """Categories by id, with the questions the catalogue asks of the tree: paths and sub-trees.

    Built from all categories, or from a lineage (some categories and their ancestors): a path only needs
    the ancestors, a sub-tree needs every descendant.
    """

    def __init__(self, categories: Iterable[Category]) -> None:
        self.by_id = {c.id: c for c in categories}
        self._children: dict[str | None, list[Category]] = {}
        for category in self.by_id.values():
            self._children.setdefault(category.parent_id, []).append(category)
        for siblings in self._children.values():
            siblings.sort(key=lambda c: (c.name.casefold(), c.id))

    def get(self, category_id: str) -> Category | None:
        return self.by_id.get(category_id)

    def children(self, parent_id: str | None) -> list[Category]:
        return list(self._children.get(parent_id, []))

    def path(self, category_id: str) -> list[Category]:
        """From the root down to ``category_id`` (inclusive); [] for an unknown category."""
        path: list[Category] = []
        current = self.by_id.get(category_id)
        while current is not None and len(path) <= len(self.by_id):  # the bound stops a cycle cold
            path.append(current)
            current = self.by_id.get(current.parent_id) if current.parent_id is not None else None
        path.reverse()
        return path

    def subtree(self, category_id: str) -> list[str]:
        """``category_id`` and every category under it."""
        found, todo = [], [category_id]
        while todo:
            current = todo.pop()
            found.append(current)
            todo.extend(c.id for c in self._children.get(current, []))
        return found
