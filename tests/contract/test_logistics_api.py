"""The LogisticsApi contract: the in-process adapter over the sandbox carrier's simulator, and the HTTP
adapter against the sandbox carrier's app on loopback. The same assertions hold for both; the test moves
parcels through the simulator behind either one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import attrs
import pytest
from aiohttp.test_utils import TestServer

from adapters.logistics_api.client import HttpLogisticsApi
from adapters.logistics_api.memory import MemoryLogisticsApi
from adapters.logistics_api.sandbox import create_sandbox_app
from adapters.logistics_api.simulator import CarrierSimulator
from adapters.memory.clock import ManualClock
from core.shared.addresses import PostalAddress
from ports.logistics import CarrierRejected, CarrierUnavailable, LogisticsApi, Parcel, ParcelItem

KEY = "a-sandbox-api-key-for-tests"
HOME = PostalAddress(recipient="Ann", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE")
PARCELS = [Parcel((ParcelItem("p-1", 2),))]


@attrs.define
class Carrier:
    api: LogisticsApi
    simulator: CarrierSimulator
    clock: ManualClock


@pytest.fixture(params=["memory", "http"])
async def carrier(request: pytest.FixtureRequest) -> AsyncIterator[Carrier]:
    clock = ManualClock()
    simulator = CarrierSimulator(clock, step_seconds=60, seed=11)
    if request.param == "memory":
        yield Carrier(MemoryLogisticsApi(simulator), simulator, clock)
        return
    app = create_sandbox_app(
        simulator, api_key=KEY, webhook_url=None, webhook_secret="unused-secret-value", tick_seconds=3600
    )
    async with TestServer(app) as server:
        client = HttpLogisticsApi(str(server.make_url("")), KEY, timeout_seconds=5, retries=1, backoff_seconds=0)
        try:
            yield Carrier(client, simulator, clock)
        finally:
            await client.close()


async def test_create_books_one_parcel_per_key(carrier: Carrier) -> None:
    booked = await carrier.api.create_shipment("o-1:shipment", "o-1", HOME, PARCELS)
    assert booked.status == "accepted"
    assert booked.tracking_number.startswith("SBX")
    assert len(booked.tracking_number) == 13
    assert booked.label_url.endswith(f"/v1/labels/{booked.tracking_number}")
    again = await carrier.api.create_shipment("o-1:shipment", "o-1", HOME, PARCELS)
    assert again == booked
    other = await carrier.api.create_shipment("o-2:shipment", "o-2", HOME, PARCELS)
    assert other.tracking_number != booked.tracking_number
    parcel = carrier.simulator.parcel(booked.tracking_number)
    assert parcel.reference == "o-1"
    assert parcel.address["city"] == "Berlin"
    assert parcel.address["postal_code"] == "10115"
    assert parcel.parcels == [{"items": [{"product_id": "p-1", "quantity": 2}]}]


async def test_track_returns_every_event_oldest_first(carrier: Carrier) -> None:
    tn = (await carrier.api.create_shipment("k", "o-1", HOME, PARCELS)).tracking_number
    carrier.clock.advance(120)
    await carrier.simulator.tick()
    events = await carrier.api.track(tn)
    assert [e.status for e in events] == ["accepted", "in_transit", "out_for_delivery"]
    assert events[-1].location == "Berlin delivery station"
    assert events[-1].occurred_at == carrier.clock.now()
    assert all(e.event_id.startswith("cev_") for e in events)
    assert len({e.event_id for e in events}) == 3
    assert [e.event_id for e in await carrier.api.track(tn)] == [e.event_id for e in events]


async def test_cancel_while_accepted_and_too_late_after(carrier: Carrier) -> None:
    early = (await carrier.api.create_shipment("a", "o-a", HOME, PARCELS)).tracking_number
    late = (await carrier.api.create_shipment("b", "o-b", HOME, PARCELS)).tracking_number
    await carrier.simulator.advance(late)
    assert await carrier.api.cancel(early) is True
    assert await carrier.api.cancel(early) is True
    assert await carrier.api.cancel(late) is False
    assert [e.status for e in await carrier.api.track(early)][-1] == "cancelled"


async def test_unknown_parcels_and_unserved_addresses_are_rejected(carrier: Carrier) -> None:
    with pytest.raises(CarrierRejected) as unknown:
        await carrier.api.track("SBX0000000000")
    assert unknown.value.status == 404
    with pytest.raises(CarrierRejected):
        await carrier.api.cancel("SBX0000000000")
    with pytest.raises(CarrierRejected) as unserved:
        await carrier.api.create_shipment("k", "o-1", attrs.evolve(HOME, postal_code="00000"), PARCELS)
    assert unserved.value.status == 422
    assert carrier.simulator.parcels == {}


async def test_injected_faults_make_the_carrier_unavailable(carrier: Carrier) -> None:
    carrier.simulator.failure_rate = 1.0
    with pytest.raises(CarrierUnavailable):
        await carrier.api.create_shipment("k", "o-1", HOME, PARCELS)
    assert carrier.simulator.parcels == {}
    carrier.simulator.failure_rate = 0.0
    assert (await carrier.api.create_shipment("k", "o-1", HOME, PARCELS)).status == "accepted"


async def test_the_sandbox_app_refuses_a_wrong_key_and_a_missing_idempotency_key() -> None:
    simulator = CarrierSimulator(ManualClock(), step_seconds=0)
    app = create_sandbox_app(simulator, api_key=KEY, webhook_url=None, webhook_secret="unused-secret-value")
    async with TestServer(app) as server, aiohttp.ClientSession() as http:
        body = {
            "reference": "o-1",
            "address": {"recipient": "A", "line1": "B", "city": "C", "postal_code": "1", "country": "DE"},
            "parcels": [{}],
        }
        url = str(server.make_url("/v1/shipments"))
        async with http.post(url, json=body, headers={"Authorization": "Bearer wrong", "Idempotency-Key": "k"}) as r:
            assert r.status == 401
        async with http.post(url, json=body, headers={"Authorization": f"Bearer {KEY}"}) as r:
            assert r.status == 400
        async with http.post(
            url, json={"reference": "o-1"}, headers={"Authorization": f"Bearer {KEY}", "Idempotency-Key": "k"}
        ) as r:
            assert r.status == 422
        assert simulator.parcels == {}
        async with http.post(url, json=body, headers={"Authorization": f"Bearer {KEY}", "Idempotency-Key": "k"}) as r:
            assert r.status == 201
            tn = (await r.json())["tracking_number"]
        async with http.get(str(server.make_url(f"/v1/labels/{tn}"))) as r:
            assert r.status == 200
            assert tn in await r.text()
        async with http.post(str(server.make_url(f"/sandbox/shipments/{tn}/lose"))) as r:
            assert r.status == 200
            assert (await r.json())["status"] == "lost"
        async with http.post(str(server.make_url(f"/sandbox/shipments/{tn}/advance"))) as r:
            assert r.status == 409
        async with http.post(str(server.make_url("/sandbox/faults")), json={"failure_rate": 2}) as r:
            assert r.status == 422
        async with http.get(str(server.make_url("/sandbox/webhooks"))) as r:
            assert [e["status"] for e in (await r.json())["events"]] == ["accepted", "in_transit", "lost"]
