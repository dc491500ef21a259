"""Request and response bodies: strict JSON <-> attrs, and JSON Schema for the OpenAPI document.

Request schemas are attrs classes; ``parse`` structures a decoded JSON value into one, strictly: no
unknown keys, no silent coercion (``"5"`` is not an integer, ``1`` is not a string), and every problem
reported with the dotted path of its field. ``dump`` turns a use case's result into JSON-ready data.
``json_schema`` describes the same classes for OpenAPI 3.1 (JSON Schema 2020-12).
"""

from __future__ import annotations

import enum
import re
import types
import typing
from datetime import date, datetime
from typing import Any, Literal, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from core.shared.documents import json_ready
from core.shared.errors import DomainError, FieldError, ValidationFailed

# Field metadata keys a request schema may use (``attrs.field(metadata=limits(max_length=80))``).
SCHEMA_KEY = "json_schema"


def limits(**schema: Any) -> dict[str, Any]:
    """Extra JSON Schema for a field (``max_length`` -> ``maxLength``), checked by ``parse`` too."""
    renamed = {_camel(k): v for k, v in schema.items()}
    return {SCHEMA_KEY: renamed}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _strict(kind: type, noun: str) -> Any:
    def structure(value: Any, target: Any) -> Any:
        if isinstance(target, type) and issubclass(target, enum.Enum):  # a StrEnum is a str too
            return _enum(value, target)
        if isinstance(value, bool) and kind is not bool:
            raise TypeError(f"must be {noun}")
        if kind is float and isinstance(value, int):
            return float(value)
        if not isinstance(value, kind):
            raise TypeError(f"must be {noun}")
        return value

    return structure


def _datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError("must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z") from None
    if moment.tzinfo is None:
        raise ValueError("must include a time zone (Z or +hh:mm)")
    return moment


def _date(value: Any, _: Any) -> date:
    if not isinstance(value, str):
        raise TypeError("must be an ISO 8601 date string")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date such as 2026-01-31") from None


def _enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"must be one of {', '.join(str(m.value) for m in kind)}") from None


def _is(origin: type) -> Any:
    def predicate(kind: Any) -> bool:
        return bool(get_origin(kind) == origin)

    return predicate


def _strict_collection(converter: cattrs.Converter, kind: type, make: Any, noun: str) -> Any:
    """Only a JSON value of the right kind: cattrs alone would take a string as a list of characters."""

    def factory(target_type: Any) -> Any:
        inner = make(target_type, converter)

        def structure(value: Any, target: Any) -> Any:
            if not isinstance(value, kind):
                raise TypeError(f"must be {noun}")
            return inner(value, target)

        return structure

    return factory


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook_func(lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum)
    converter.register_structure_hook(str, _strict(str, "a string"))
    converter.register_structure_hook(int, _strict(int, "an integer"))
    converter.register_structure_hook(float, _strict(float, "a number"))
    converter.register_structure_hook(bool, _strict(bool, "true or false"))
    converter.register_structure_hook(datetime, _datetime)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook_factory(
        _is(list), _strict_collection(converter, list, list_structure_factory, "a list")
    )
    converter.register_structure_hook_factory(
        _is(dict), _strict_collection(converter, dict, mapping_structure_factory, "a JSON object")
    )
    return converter


converter = _make_converter()

T = typing.TypeVar("T")


def parse(data: Any, schema: type[T], root: str = "body") -> T:
    """Structure ``data`` into ``schema`` or raise ``ValidationFailed`` naming each bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed.of(root, "must be a JSON object")
    try:
        value = converter.structure(data, schema)
    except (ClassValidationError, IterableValidationError) as exc:
        raise ValidationFailed(_field_errors(exc, [])) from None
    except DomainError:
        raise
    errors = _check_limits(value, [])
    if errors:
        raise ValidationFailed(errors)
    return value


def _field_errors(exc: BaseException, path: list[str]) -> list[FieldError]:
    name = ".".join(path) or "body"
    if isinstance(exc, ClassValidationError | IterableValidationError):
        errors: list[FieldError] = []
        with_notes, without_notes = exc.group_exceptions()
        for inner, note in with_notes:
            key = getattr(note, "name", None)
            if key is None:
                key = getattr(note, "index", "?")
            errors.extend(_field_errors(inner, [*path, str(key)]))
        for inner in without_notes:
            errors.extend(_field_errors(inner, path))
        return errors
    if isinstance(exc, ForbiddenExtraKeysError):
        return [FieldError(".".join([*path, k]), "is not a known field") for k in sorted(exc.extra_fields)]
    if isinstance(exc, KeyError):
        return [FieldError(name, "is required")]
    if isinstance(exc, ValidationFailed):
        return [FieldError(f"{name}.{e.field}" if path else e.field, e.message) for e in exc.errors]
    if isinstance(exc, TypeError | ValueError | AttributeError):
        message = str(exc) if str(exc).startswith("must") else "has the wrong type or format"
        return [FieldError(name, message)]
    return [FieldError(name, "is not valid")]


def _check_limits(value: Any, path: list[str]) -> list[FieldError]:
    """The ``limits(...)`` of each field: string lengths, number ranges, list sizes, patterns."""
    if not attrs.has(type(value)):
        return []
    errors: list[FieldError] = []
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        name = ".".join([*path, field.name])
        rules = field.metadata.get(SCHEMA_KEY, {})
        if item is None:
            continue
        if isinstance(item, str):
            if "minLength" in rules and len(item) < rules["minLength"]:
                errors.append(FieldError(name, f"must be at least {rules['minLength']} characters"))
            if "maxLength" in rules and len(item) > rules["maxLength"]:
                errors.append(FieldError(name, f"must be at most {rules['maxLength']} characters"))
            if "pattern" in rules and not re.fullmatch(rules["pattern"], item):
                errors.append(FieldError(name, f"must match {rules['pattern']}"))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            if "minimum" in rules and item < rules["minimum"]:
                errors.append(FieldError(name, f"must be at least {rules['minimum']}"))
            if "maximum" in rules and item > rules["maximum"]:
                errors.append(FieldError(name, f"must be at most {rules['maximum']}"))
        elif isinstance(item, list | tuple | dict):
            if "maxItems" in rules and len(item) > rules["maxItems"]:
                errors.append(FieldError(name, f"must have at most {rules['maxItems']} items"))
            if "minItems" in rules and len(item) < rules["minItems"]:
                errors.append(FieldError(name, f"must have at least {rules['minItems']} items"))
        errors.extend(_check_limits(item, [*path, field.name]))
    return errors


def dump(value: Any) -> Any:
    """A use case's result as JSON-ready data (``core.shared.documents``: the one JSON shape of results)."""
    return json_ready(value)


# --- JSON Schema -----------------------------------------------------------------------------------


class SchemaRegistry:
    """Collects the named component schemas the document refers to with ``$ref``."""

    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}
        self.named: dict[str, type] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        """A reference to ``cls``'s schema, named by the class. Two classes of one name would be documented
        as one (the first one's fields for both): refused, so each body and answer class has its own name."""
        name = cls.__name__
        known = self.named.setdefault(name, cls)
        if known is not cls:
            raise TypeError(f"two schemas named {name}: {known.__module__}.{name} and {cls.__module__}.{name}")
        if name not in self.components:
            self.components[name] = {}  # placeholder first: recursive types terminate
            self.components[name] = self.object_schema(cls)
        return {"$ref": f"#/components/schemas/{name}"}

    def object_schema(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if field.name.startswith("_"):
                continue
            schema = dict(self.of(hints[field.name]))
            schema.update(field.metadata.get(SCHEMA_KEY, {}))
            if field.repr is False and "password" in field.name:
                schema["format"] = "password"
                schema["writeOnly"] = True
            if field.default is not attrs.NOTHING:
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    default = None
                elif attrs.has(type(default)):
                    default = dump(default)
                if isinstance(default, enum.Enum):
                    default = default.value
                if default is not None or schema.get("type") == ["null"]:
                    schema["default"] = default
            else:
                required.append(field.name)
            properties[field.name] = schema
        doc = (cls.__doc__ or "").strip()
        result: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            result["required"] = required
        if doc:
            result["description"] = " ".join(doc.split())
        return result

    def of(self, hint: Any) -> dict[str, Any]:
        origin = get_origin(hint)
        args = get_args(hint)
        if hint is type(None):
            return {"type": "null"}
        if origin in (Union, types.UnionType):
            options = [self.of(a) for a in args]
            simple = [o.get("type") for o in options]
            if all(isinstance(t, str) for t in simple) and all(len(o) == 1 for o in options):
                return {"type": simple}
            return {"anyOf": options}
        if origin is Literal:
            return {"enum": list(args)}
        if origin in (list, tuple, frozenset, set, typing.Sequence) or hint in (list, tuple):
            item = self.of(args[0]) if args else {}
            schema: dict[str, Any] = {"type": "array", "items": item}
            if origin in (frozenset, set):
                schema["uniqueItems"] = True
            return schema
        if origin is dict or hint is dict:
            value = self.of(args[1]) if len(args) == 2 else {}
            return {"type": "object", "additionalProperties": value}
        if isinstance(hint, type):
            if issubclass(hint, enum.Enum):
                return {"type": "string", "enum": [m.value for m in hint]}
            if hint is bool:
                return {"type": "boolean"}
            if hint is int:
                return {"type": "integer"}
            if hint is float:
                return {"type": "number"}
            if hint is str:
                return {"type": "string"}
            if hint is datetime:
                return {"type": "string", "format": "date-time"}
            if hint is date:
                return {"type": "string", "format": "date"}
            if attrs.has(hint):
                return self.ref(hint)
        if hint is Any:
            return {}
        raise TypeError(f"no JSON Schema for {hint!r}")
