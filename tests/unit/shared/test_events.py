from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from core.auth.events import AccountDeleted, PasswordChanged, RolesChanged, UserLoggedIn, UserRegistered
from core.shared import events as events_module
from core.shared.events import (
    Aggregate,
    Event,
    EventEnvelope,
    correlation_id,
    domain_event,
    event_class,
    from_envelope,
    registered_event_types,
    to_envelope,
)
from core.shared.ids import is_uuid
from core.shared.money import Money
from core.users.events import (
    AddressAdded,
    AddressChanged,
    AddressRemoved,
    PreferencesChanged,
    ProfileCreated,
    ProfileUpdated,
    UserDataErased,
)

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)

EXAMPLES: list[Event] = [
    UserRegistered(occurred_at=NOW, user_id="u-1", email="alice@example.com", display_name="Alice"),
    UserLoggedIn(occurred_at=NOW, user_id="u-1", address="203.0.113.7"),
    PasswordChanged(occurred_at=NOW, user_id="u-1"),
    RolesChanged(occurred_at=NOW, user_id="u-1", roles=["customer", "seller"], by="u-9"),
    AccountDeleted(occurred_at=NOW, user_id="u-1"),
    ProfileCreated(occurred_at=NOW, user_id="u-1", display_name="Alice"),
    ProfileUpdated(occurred_at=NOW, user_id="u-1", fields=["display_name", "phone"]),
    PreferencesChanged(occurred_at=NOW, user_id="u-1", language="de", currency="CHF"),
    AddressAdded(occurred_at=NOW, user_id="u-1", address_id="a-1", country="DE"),
    AddressChanged(occurred_at=NOW, user_id="u-1", address_id="a-1"),
    AddressRemoved(occurred_at=NOW, user_id="u-1", address_id="a-1"),
    UserDataErased(occurred_at=NOW, user_id="u-1"),
]


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[Event]]:
    """A copy of the registry for the events these tests declare, so none leaks into other tests."""
    registry = dict(events_module._REGISTRY)
    monkeypatch.setattr(events_module, "_REGISTRY", registry)
    return registry


# --- the registry ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_context_event_is_registered_under_its_versioned_type_name(event: Event) -> None:
    cls = type(event)
    context, name, version = cls.type_name.split(".")

    assert name == cls.__name__
    assert version == "v1"
    assert context in {"auth", "users"}
    assert event_class(cls.type_name) is cls
    assert registered_event_types()[cls.type_name] is cls


def test_registered_event_types_is_a_copy() -> None:
    types = registered_event_types()
    types.pop("auth.UserRegistered.v1")

    assert event_class("auth.UserRegistered.v1") is UserRegistered


def test_an_unknown_type_name_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"auth\.NoSuchThing\.v1"):
        event_class("auth.NoSuchThing.v1")


def test_a_decorated_class_gets_its_wire_name_and_key(scratch_registry: dict[str, type[Event]]) -> None:
    @domain_event("tests.ParcelWeighed.v2", key="parcel_id")
    @attrs.frozen(kw_only=True)
    class ParcelWeighed(Event):
        parcel_id: str
        grams: int

    assert ParcelWeighed.type_name == "tests.ParcelWeighed.v2"
    assert ParcelWeighed.key_field == "parcel_id"
    assert event_class("tests.ParcelWeighed.v2") is ParcelWeighed
    assert scratch_registry["tests.ParcelWeighed.v2"] is ParcelWeighed


@pytest.mark.parametrize(
    "type_name",
    [
        "",
        "ParcelWeighed",
        "tests.ParcelWeighed",
        "tests.ParcelWeighed.1",
        "tests.ParcelWeighed.V1",
        "tests.ParcelWeighed.v",
        "tests.ParcelWeighed.vone",
        "tests.ParcelWeighed.v1.extra",
        # Empty segments: no context (so no topic) or no name.
        ".ParcelWeighed.v1",
        "tests..v1",
        "..v1",
    ],
)
def test_a_type_name_not_shaped_context_name_version_is_refused(
    type_name: str, scratch_registry: dict[str, type[Event]]
) -> None:
    with pytest.raises(ValueError, match=re.escape("is not <context>.<Name>.v<N>")):

        @domain_event(type_name, key="parcel_id")
        @attrs.frozen(kw_only=True)
        class ParcelWeighed(Event):
            parcel_id: str

    assert type_name not in scratch_registry


def test_the_key_must_be_a_field_of_the_event(scratch_registry: dict[str, type[Event]]) -> None:
    with pytest.raises(ValueError, match="no key field 'parcel'"):

        @domain_event("tests.ParcelWeighed.v1", key="parcel")
        @attrs.frozen(kw_only=True)
        class ParcelWeighed(Event):
            parcel_id: str

    assert "tests.ParcelWeighed.v1" not in scratch_registry


def test_one_type_name_cannot_name_two_classes(scratch_registry: dict[str, type[Event]]) -> None:
    @domain_event("tests.ParcelWeighed.v1", key="parcel_id")
    @attrs.frozen(kw_only=True)
    class First(Event):
        parcel_id: str

    with pytest.raises(ValueError, match="registered twice"):

        @domain_event("tests.ParcelWeighed.v1", key="parcel_id")
        @attrs.frozen(kw_only=True)
        class Second(Event):
            parcel_id: str

    assert event_class("tests.ParcelWeighed.v1") is First
    # Registering the same class again (a module imported twice) is harmless.
    assert domain_event("tests.ParcelWeighed.v1", key="parcel_id")(First) is First


def test_an_existing_type_name_cannot_be_taken_over(scratch_registry: dict[str, type[Event]]) -> None:
    with pytest.raises(ValueError, match="registered twice"):

        @domain_event("auth.UserRegistered.v1", key="user_id")
        @attrs.frozen(kw_only=True)
        class Impostor(Event):
            user_id: str

    assert event_class("auth.UserRegistered.v1") is UserRegistered


# --- key, context, ids ------------------------------------------------------------------------------------


def test_the_key_is_the_aggregate_id_and_the_context_the_first_part_of_the_name() -> None:
    event = AddressAdded(occurred_at=NOW, user_id="u-42", address_id="a-7", country="FR")

    assert event.key == "u-42"
    assert event.context == "users"
    assert UserLoggedIn(occurred_at=NOW, user_id="u-1", address="").context == "auth"


def test_the_key_is_a_string_even_when_the_field_is_not(scratch_registry: dict[str, type[Event]]) -> None:
    @domain_event("tests.ShelfCounted.v1", key="shelf")
    @attrs.frozen(kw_only=True)
    class ShelfCounted(Event):
        shelf: int

    assert ShelfCounted(occurred_at=NOW, shelf=17).key == "17"


def test_each_event_gets_its_own_uuid_id() -> None:
    first = PasswordChanged(occurred_at=NOW, user_id="u-1")
    second = PasswordChanged(occurred_at=NOW, user_id="u-1")

    assert is_uuid(first.event_id)
    assert first.event_id != second.event_id
    assert first != second


# --- the envelope -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_an_event_survives_the_envelope_round_trip(event: Event) -> None:
    envelope = to_envelope(event)

    assert envelope.id == event.event_id
    assert envelope.type == type(event).type_name
    assert envelope.occurred_at == event.occurred_at
    assert envelope.key == "u-1"
    assert "event_id" not in envelope.payload
    assert "occurred_at" not in envelope.payload
    assert from_envelope(envelope) == event


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_an_envelope_survives_json(event: Event) -> None:
    envelope = to_envelope(event, correlation="corr-1")

    wire = json.dumps(envelope.to_dict())
    back = EventEnvelope.from_dict(json.loads(wire))

    assert back == envelope
    assert from_envelope(back) == event


def test_the_payload_holds_the_event_fields() -> None:
    event = RolesChanged(occurred_at=NOW, user_id="u-1", roles=["admin", "customer"], by="u-2")

    assert to_envelope(event).payload == {"user_id": "u-1", "roles": ["admin", "customer"], "by": "u-2"}


def test_money_and_datetimes_inside_a_payload_round_trip(scratch_registry: dict[str, type[Event]]) -> None:
    @domain_event("tests.PriceChanged.v1", key="product_id")
    @attrs.frozen(kw_only=True)
    class PriceChanged(Event):
        product_id: str
        price: Money
        valid_from: datetime

    offset = timezone(timedelta(hours=2))
    event = PriceChanged(
        occurred_at=NOW.astimezone(offset),
        product_id="p-1",
        price=Money(1999, "JPY"),
        valid_from=datetime(2026, 4, 1, tzinfo=UTC),
    )

    envelope = EventEnvelope.from_dict(json.loads(json.dumps(to_envelope(event).to_dict())))

    assert envelope.payload["price"] == {"amount": 1999, "currency": "JPY"}
    assert envelope.payload["valid_from"] == "2026-04-01T00:00:00+00:00"
    back = from_envelope(envelope)
    assert back == event
    assert isinstance(back, PriceChanged)
    assert back.price == Money(1999, "JPY")
    assert back.occurred_at.utcoffset() == timedelta(hours=2)


def test_an_envelope_of_an_unknown_type_cannot_be_read() -> None:
    envelope = attrs.evolve(to_envelope(EXAMPLES[0]), type="auth.Vanished.v1")

    with pytest.raises(LookupError):
        from_envelope(envelope)


def test_the_correlation_id_is_the_one_given_else_the_current_one_else_none() -> None:
    event = EXAMPLES[0]

    assert to_envelope(event).correlation_id is None
    assert to_envelope(event, correlation="given").correlation_id == "given"

    token = correlation_id.set("request-7")
    try:
        assert to_envelope(event).correlation_id == "request-7"
        assert to_envelope(event, correlation="given").correlation_id == "given"
    finally:
        correlation_id.reset(token)

    assert to_envelope(event).correlation_id is None


def test_envelope_dict_has_the_wire_fields() -> None:
    event = EXAMPLES[0]

    wire = to_envelope(event, correlation="c-1").to_dict()

    assert wire == {
        "id": event.event_id,
        "type": "auth.UserRegistered.v1",
        "occurred_at": "2026-03-01T09:30:15.123456+00:00",
        "key": "u-1",
        "payload": {"user_id": "u-1", "email": "alice@example.com", "display_name": "Alice"},
        "correlation_id": "c-1",
    }


# --- aggregates -------------------------------------------------------------------------------------------


def test_an_aggregate_hands_over_its_events_once() -> None:
    @attrs.define
    class Parcel(Aggregate):
        parcel_id: str

    parcel = Parcel("p-1")
    first = PasswordChanged(occurred_at=NOW, user_id="a")
    second = PasswordChanged(occurred_at=NOW, user_id="b")
    parcel.record(first)
    parcel.record(second)

    assert parcel.pull_events() == [first, second]
    assert parcel.pull_events() == []
    assert parcel == Parcel("p-1")  # recorded events are not part of the aggregate's value
