"""The sandbox carrier's behaviour, as both its HTTP app and the in-process adapter use it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters.logistics_api.simulator import CarrierSimulator, ParcelRefused, TooLate, UnknownParcel
from adapters.memory.clock import ManualClock

ADDRESS = {"recipient": "Ann", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}


@pytest.fixture
def sim(clock: ManualClock) -> CarrierSimulator:
    return CarrierSimulator(clock, step_seconds=10, seed=3)


def statuses(sim: CarrierSimulator, tn: str) -> list[str]:
    return [e["status"] for e in sim.parcel(tn).history]


async def test_a_parcel_moves_one_step_per_step_of_the_clock(sim: CarrierSimulator, clock: ManualClock) -> None:
    tn = (await sim.create("k1", "o-1", ADDRESS, [])).tracking_number
    assert re.fullmatch(r"SBX\d{10}", tn)
    assert await sim.tick() == 0
    clock.advance(9)
    assert await sim.tick() == 0
    clock.advance(1)
    assert await sim.tick() == 1
    clock.advance(25)  # two more steps are due, taken in one tick
    assert await sim.tick() == 2
    assert statuses(sim, tn) == ["accepted", "in_transit", "out_for_delivery", "delivered"]
    clock.advance(100)
    assert await sim.tick() == 0


async def test_step_zero_moves_only_when_told(clock: ManualClock) -> None:
    sim = CarrierSimulator(clock, step_seconds=0)
    tn = (await sim.create("k1", "o-1", ADDRESS, [])).tracking_number
    clock.advance(10_000)
    assert await sim.tick() == 0
    await sim.advance(tn)
    assert sim.parcel(tn).status == "in_transit"


async def test_the_same_key_books_the_same_parcel(sim: CarrierSimulator) -> None:
    first = await sim.create("k1", "o-1", ADDRESS, [])
    again = await sim.create("k1", "o-other", ADDRESS, [])
    assert again is first
    assert len(sim.parcels) == 1
    assert len(sim.webhooks) == 1


async def test_deliver_lose_and_cancel(sim: CarrierSimulator) -> None:
    a = (await sim.create("a", "o-a", ADDRESS, [])).tracking_number
    b = (await sim.create("b", "o-b", ADDRESS, [])).tracking_number
    c = (await sim.create("c", "o-c", ADDRESS, [])).tracking_number
    await sim.deliver(a)
    assert statuses(sim, a) == ["accepted", "in_transit", "out_for_delivery", "delivered"]
    await sim.lose(b)
    assert statuses(sim, b) == ["accepted", "in_transit", "lost"]
    assert await sim.cancel(c) is True
    assert await sim.cancel(c) is True
    assert await sim.cancel(a) is False
    for move in (sim.advance, sim.lose):
        with pytest.raises(TooLate):
            await move(a)
    with pytest.raises(TooLate):
        await sim.deliver(c)
    with pytest.raises(UnknownParcel):
        await sim.advance("SBX0000000000")


async def test_every_event_is_kept_and_handed_to_the_listeners(sim: CarrierSimulator) -> None:
    heard: list[dict[str, Any]] = []

    async def listener(event: dict[str, Any]) -> None:
        heard.append(event)

    async def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("a listener that fails stops nothing")

    sim.listeners.extend([broken, listener])
    tn = (await sim.create("k", "o-1", ADDRESS, [])).tracking_number
    await sim.deliver(tn)
    assert heard == list(sim.webhooks) == sim.parcel(tn).history
    assert len({e["id"] for e in heard}) == 4
    assert all(e["id"].startswith("cev_") and e["reference"] == "o-1" for e in heard)
    assert set(heard[0]) == {"id", "tracking_number", "reference", "status", "location", "occurred_at"}


async def test_unserved_addresses_are_refused(sim: CarrierSimulator) -> None:
    with pytest.raises(ParcelRefused):
        await sim.create("k", "o-1", {**ADDRESS, "postal_code": "00000"}, [])
    assert sim.parcels == {}


def test_faults_follow_the_failure_rate_and_the_seed(clock: ManualClock) -> None:
    sim = CarrierSimulator(clock, step_seconds=0, seed=1)
    assert not any(sim.fails() for _ in range(50))
    sim.failure_rate = 1.0
    assert all(sim.fails() for _ in range(50))
    sim.failure_rate = 0.5
    sim.reseed(42)
    first = [sim.fails() for _ in range(20)]
    sim.reseed(42)
    assert [sim.fails() for _ in range(20)] == first
    assert any(first)
    assert not all(first)
