"""Results in their JSON form: how a result is written for clients, once, and a result already written.

``json_ready`` is the one definition of a result's JSON shape (moments in ISO 8601 with ``Z``, sets as
sorted lists, attrs classes as objects): the HTTP layer writes every answer with it, and a cache that
keeps a result as the client will get it writes it with ``render``. A ``JsonDocument`` is such a
written result: whoever serves it passes its bytes on unread, so a cache hit costs no model work.
"""

from __future__ import annotations

import json
import types
import typing
from datetime import date, datetime
from typing import Any, TypeVar

import attrs
import cattrs

T = TypeVar("T")


@attrs.frozen
class JsonDocument:
    """A result already written as JSON (UTF-8): handed to the client as it is."""

    content: bytes


_converter = cattrs.Converter()
_converter.register_unstructure_hook(datetime, lambda d: d.isoformat().replace("+00:00", "Z"))
_converter.register_unstructure_hook(date, lambda d: d.isoformat())
_converter.register_unstructure_hook(frozenset, lambda s: sorted(_converter.unstructure(list(s))))
_converter.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))
_converter.register_structure_hook(date, lambda v, _: date.fromisoformat(v))
_JSON_SCALARS = (str, int, float, bool, type(None))


def _scalar_union(kind: Any) -> bool:
    """``str | float | bool`` and the like: JSON already gave the value its type, so it is kept as read."""
    union = typing.get_origin(kind) in (typing.Union, types.UnionType)
    return union and all(arg in _JSON_SCALARS for arg in typing.get_args(kind))


_converter.register_structure_hook_func(_scalar_union, lambda value, _: value)


def json_ready(value: Any) -> Any:
    """``value`` as plain JSON data (dicts, lists, strings, numbers, booleans, null)."""
    return _converter.unstructure(value)


def render(value: Any) -> JsonDocument:
    return JsonDocument(json.dumps(json_ready(value), ensure_ascii=False, separators=(",", ":")).encode())


def read(document: JsonDocument, kind: type[T]) -> T:
    """The value ``render`` wrote; raises ``ValueError`` when the document does not hold a ``kind``."""
    try:
        return _converter.structure(json.loads(document.content), kind)
    except (ValueError, TypeError, KeyError, cattrs.BaseValidationError) as error:
        raise ValueError(f"not a {kind.__name__}: {error}") from error
