"""Domain events, their registry and their wire envelope.

An event is a frozen attrs class with a versioned type name (``auth.UserRegistered.v1``) and the name of
the field that keys it (the aggregate id: the topic partition key, so one aggregate's events keep their
order). ``@domain_event`` registers the class, so an envelope read from the outbox or from Kafka turns
back into the same class.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any, ClassVar, TypeVar

import attrs
import cattrs

from core.shared.ids import uuid7
from core.shared.money import Money

# The id of the request (or of the event being handled) that caused the events raised now: it travels
# in every envelope so one customer action can be followed across contexts.
correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


@attrs.frozen(kw_only=True)
class Event:
    type_name: ClassVar[str] = ""
    key_field: ClassVar[str] = ""

    occurred_at: datetime
    event_id: str = attrs.field(factory=uuid7)

    @property
    def key(self) -> str:
        return str(getattr(self, self.key_field))

    @property
    def context(self) -> str:
        return self.type_name.split(".", 1)[0]


E = TypeVar("E", bound=type[Event])

_REGISTRY: dict[str, type[Event]] = {}


def domain_event(type_name: str, *, key: str) -> Callable[[E], E]:
    """Class decorator: give an event its wire name and key field, and register it."""
    parts = type_name.split(".")
    if len(parts) != 3 or not all(parts) or not parts[2].startswith("v") or not parts[2][1:].isdigit():
        raise ValueError(f"event type {type_name!r} is not <context>.<Name>.v<N>")

    def register(cls: E) -> E:
        if type_name in _REGISTRY and _REGISTRY[type_name] is not cls:
            raise ValueError(f"event type {type_name!r} registered twice")
        if key not in attrs.fields_dict(cls):
            raise ValueError(f"{cls.__name__} has no key field {key!r}")
        cls.type_name = type_name
        cls.key_field = key
        _REGISTRY[type_name] = cls
        return cls

    return register


def event_class(type_name: str) -> type[Event]:
    try:
        return _REGISTRY[type_name]
    except KeyError:
        raise LookupError(f"unknown event type {type_name!r}") from None


def registered_event_types() -> dict[str, type[Event]]:
    return dict(_REGISTRY)


_converter = cattrs.Converter()
_converter.register_unstructure_hook(datetime, lambda d: d.isoformat())
_converter.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))
_converter.register_unstructure_hook(Money, lambda m: {"amount": m.amount, "currency": m.currency})
_converter.register_structure_hook(Money, lambda v, _: Money(int(v["amount"]), str(v["currency"])))


@attrs.frozen(kw_only=True)
class EventEnvelope:
    """What travels on the wire and sits in an outbox row."""

    id: str
    type: str
    occurred_at: datetime
    key: str
    payload: dict[str, Any]
    correlation_id: str | None = None
    # The W3C trace context of the span that committed the event (adapters.tracing), when traces are on:
    # its consumers' spans nest under it, across the outbox and Kafka.
    traceparent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "key": self.key,
            "payload": self.payload,
            "correlation_id": self.correlation_id,
        }
        if self.traceparent is not None:
            data["traceparent"] = self.traceparent
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventEnvelope:
        return cls(
            id=str(data["id"]),
            type=str(data["type"]),
            occurred_at=datetime.fromisoformat(str(data["occurred_at"])),
            key=str(data["key"]),
            payload=dict(data["payload"]),
            correlation_id=data.get("correlation_id"),
            traceparent=data.get("traceparent"),
        )


def to_envelope(event: Event, correlation: str | None = None, traceparent: str | None = None) -> EventEnvelope:
    payload = _converter.unstructure(event)
    payload.pop("event_id", None)
    payload.pop("occurred_at", None)
    return EventEnvelope(
        id=event.event_id,
        type=event.type_name,
        occurred_at=event.occurred_at,
        key=event.key,
        payload=payload,
        correlation_id=correlation if correlation is not None else correlation_id.get(),
        traceparent=traceparent,
    )


def from_envelope(envelope: EventEnvelope) -> Event:
    cls = event_class(envelope.type)
    data = dict(envelope.payload)
    data["event_id"] = envelope.id
    data["occurred_at"] = envelope.occurred_at.isoformat()
    event: Event = _converter.structure(data, cls)
    return event


@attrs.define
class Aggregate:
    """An aggregate root records the events its changes raise; the unit of work collects them."""

    _events: list[Event] = attrs.field(factory=list, init=False, eq=False, repr=False)

    def record(self, event: Event) -> None:
        self._events.append(event)

    def pull_events(self) -> list[Event]:
        events, self._events = self._events, []
        return events
