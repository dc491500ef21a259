"""The in-process event bus: one key's events in order, different keys side by side, failures reported."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import attrs
import pytest

from adapters.memory.event_bus import DeliveryFailed
from core.shared.errors import Unavailable
from core.shared.events import Event, domain_event, to_envelope
from tests.support.events import RecordingEventBus

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@domain_event("tests.ParcelScanned.v1", key="parcel_id")
@attrs.frozen(kw_only=True)
class ParcelScanned(Event):
    parcel_id: str
    step: int


def scans(*pairs: tuple[str, int]) -> list[object]:
    return [to_envelope(ParcelScanned(occurred_at=NOW, parcel_id=p, step=n)) for p, n in pairs]


async def test_one_keys_events_arrive_in_order_while_other_keys_go_side_by_side() -> None:
    bus = RecordingEventBus()
    seen: list[tuple[str, int]] = []
    b_started = asyncio.Event()

    async def handle(event: ParcelScanned) -> None:
        if event.parcel_id == "b":
            b_started.set()
        if event.parcel_id == "a" and event.step == 1:
            # Were keys delivered one after the other, "b" would wait for this and this for "b".
            await asyncio.wait_for(b_started.wait(), 2)
        seen.append((event.parcel_id, event.step))

    bus.subscribe("g", ParcelScanned, handle)  # type: ignore[arg-type]
    await bus.publish(scans(("a", 1), ("a", 2), ("b", 1), ("a", 3), ("b", 2)))  # type: ignore[arg-type]
    assert [step for parcel, step in seen if parcel == "a"] == [1, 2, 3]
    assert [step for parcel, step in seen if parcel == "b"] == [1, 2]
    assert len(bus.delivered) == 5


async def test_a_failing_handler_stops_no_other_and_publish_reports_it() -> None:
    bus = RecordingEventBus()
    seen: list[tuple[str, int]] = []

    async def fragile(event: ParcelScanned) -> None:
        if event.parcel_id == "a":
            raise ValueError("broken")

    async def steady(event: ParcelScanned) -> None:
        seen.append((event.parcel_id, event.step))

    bus.subscribe("fragile", ParcelScanned, fragile)  # type: ignore[arg-type]
    bus.subscribe("steady", ParcelScanned, steady)  # type: ignore[arg-type]
    with pytest.raises(DeliveryFailed) as failed:
        await bus.publish(scans(("a", 1), ("b", 1)))  # type: ignore[arg-type]
    assert sorted(seen) == [("a", 1), ("b", 1)]
    assert [(group, kind) for group, kind, _ in failed.value.failures] == [("fragile", "tests.ParcelScanned.v1")]


async def test_only_outages_are_reported_as_unavailable() -> None:
    bus = RecordingEventBus()

    async def down(event: ParcelScanned) -> None:
        raise Unavailable("the database is down")

    bus.subscribe("g", ParcelScanned, down)  # type: ignore[arg-type]
    with pytest.raises(Unavailable):
        await bus.publish(scans(("a", 1), ("b", 1)))  # type: ignore[arg-type]
