"""The sandbox payment gateway and carrier, for tests: started as HTTP servers of their own on loopback
for the infra profile (``SandboxServers``), and driven from steps and tests on either profile
(``Sandboxes``: in-process simulators on memory, the sandboxes' control routes on infra).

Both sandboxes share the shop's clock, so a test that moves time moves it for them too, and the
signatures of their webhooks carry the time the shop expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import requests
from aiohttp import web

from adapters.logistics_api.sandbox import create_sandbox_app as carrier_app
from adapters.logistics_api.simulator import CarrierSimulator
from adapters.payment_gateway.sandbox import create_sandbox_app as gateway_app
from adapters.payment_gateway.simulator import GatewaySimulator
from core.shared.signatures import sign
from ports.shared import Clock
from tests.support.http import ApiClient, Reply

if TYPE_CHECKING:
    from config.settings import Settings
    from tests.support.server import ServerThread

T = TypeVar("T")
GATEWAY_WEBHOOK = "/api/v1/payments/webhooks/gateway"
CARRIER_WEBHOOK = "/api/v1/logistics/webhooks/carrier"
# The carrier moves a parcel one step each this many seconds of the shared clock.
CARRIER_STEP_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SandboxServers:
    """The two sandboxes on their own loopback ports, in a thread with its own event loop."""

    def __init__(
        self,
        app_port: int,
        settings: Settings | None = None,
        *,
        slow_seconds: float = 1.0,
        carrier_step_seconds: float = CARRIER_STEP_SECONDS,
    ) -> None:
        self.app_port = app_port
        self.payments_port, self.logistics_port = free_port(), free_port()
        self.slow_seconds, self.carrier_step_seconds = slow_seconds, carrier_step_seconds
        self.settings = settings
        self.gateway: GatewaySimulator | None = None
        self.carrier: CarrierSimulator | None = None
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="sandboxes", daemon=True)
        self._runners: list[web.AppRunner] = []

    @property
    def payments_url(self) -> str:
        return f"http://127.0.0.1:{self.payments_port}"

    @property
    def logistics_url(self) -> str:
        return f"http://127.0.0.1:{self.logistics_port}"

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self, settings: Settings, clock: Clock) -> SandboxServers:
        self.settings = settings
        self._thread.start()
        self.call(self._open(clock))
        return self

    def restart(self, clock: Clock) -> None:
        """Fresh sandboxes (nothing authorized, no parcel) on the same ports, on the shop's new clock."""
        self.call(self._close())
        self.call(self._open(clock))

    def stop(self) -> None:
        self.call(self._close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    async def _open(self, clock: Clock) -> None:
        s = self.settings
        assert s is not None
        shop = f"http://127.0.0.1:{self.app_port}"
        self.gateway = GatewaySimulator(clock, seed=7)
        self.carrier = CarrierSimulator(
            clock, step_seconds=self.carrier_step_seconds, seed=7, label_base=f"{self.logistics_url}/v1/labels"
        )
        apps = [
            (
                gateway_app(
                    self.gateway,
                    api_key=s.payment_gateway_api_key,
                    webhook_url=shop + GATEWAY_WEBHOOK,
                    webhook_secret=s.payment_webhook_secret,
                    slow_seconds=self.slow_seconds,
                ),
                self.payments_port,
            ),
            (
                carrier_app(
                    self.carrier,
                    api_key=s.logistics_api_key,
                    webhook_url=shop + CARRIER_WEBHOOK,
                    webhook_secret=s.logistics_webhook_secret,
                    tick_seconds=0.2,
                ),
                self.logistics_port,
            ),
        ]
        for app, port in apps:
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            self._runners.append(runner)

    async def _close(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        if self.gateway is not None:
            await self.gateway.close()


class Sandboxes:
    """What a test does to the sandboxes, the same way on both profiles."""

    def __init__(self, server: ServerThread) -> None:
        self.server = server

    @property
    def _remote(self) -> SandboxServers | None:
        return self.server.sandboxes

    def _gateway(self) -> GatewaySimulator:
        remote = self._remote
        if remote is not None:
            assert remote.gateway is not None
            return remote.gateway
        simulator: GatewaySimulator = self.server.runtime.resolve(GatewaySimulator)
        return simulator

    def _carrier(self) -> CarrierSimulator:
        remote = self._remote
        if remote is not None:
            assert remote.carrier is not None
            return remote.carrier
        simulator: CarrierSimulator = self.server.runtime.resolve(CarrierSimulator)
        return simulator

    def _on_sandbox_loop(self, coroutine: Coroutine[Any, Any, T]) -> T:
        remote = self._remote
        return remote.call(coroutine) if remote is not None else self.server.call(coroutine)

    # --- the gateway --------------------------------------------------------------------------------

    def gateway_ledger(self) -> dict[str, Any]:
        remote = self._remote
        if remote is not None:
            ledger: dict[str, Any] = requests.get(f"{remote.payments_url}/sandbox/ledger", timeout=10).json()
            return ledger
        return self._gateway().ledger()

    def gateway_faults(self, failure_rate: float, timeout_rate: float, seed: int) -> None:
        async def set_faults() -> None:
            self._gateway().set_faults(failure_rate, timeout_rate, seed)

        self._on_sandbox_loop(set_faults())

    def gateway_webhooks_lost(self) -> None:
        """The gateway's webhooks never reach the shop: only the payment error worker can find out."""

        async def lose() -> None:
            self._gateway().deliver_webhooks = False

        self._on_sandbox_loop(lose())

    def resend_last_gateway_webhook(self, api: ApiClient) -> Reply:
        """The gateway delivers its last event once more (as gateways do when unsure it arrived)."""
        self.server.settle()
        events = self._gateway().webhooks
        assert events, "the gateway sent no webhook"
        secret = self.server.settings.payment_webhook_secret
        return self._post_webhook(api, GATEWAY_WEBHOOK, "Gateway-Signature", events[-1], secret)

    def forged_gateway_webhook(self, api: ApiClient) -> Reply:
        event = {"id": "evt_forged", "type": "capture.succeeded", "idempotency_key": "forged", "amount": 1}
        return self._post_webhook(api, GATEWAY_WEBHOOK, "Gateway-Signature", event, "not the shop's secret at all")

    # --- the carrier --------------------------------------------------------------------------------

    def carrier(self, action: str, tracking_number: str) -> None:
        """advance, deliver or lose the parcel at the carrier; then the shop has heard of it."""
        remote = self._remote
        if remote is not None:
            reply = requests.post(f"{remote.logistics_url}/sandbox/shipments/{tracking_number}/{action}", timeout=10)
            assert reply.status_code == 200, reply.text
            self._hear_from_carrier()
        else:
            self.server.call(getattr(self._carrier(), action)(tracking_number))
        self.server.settle()

    def carrier_faults(self, failure_rate: float, seed: int) -> None:
        async def set_faults() -> None:
            carrier = self._carrier()
            carrier.failure_rate = failure_rate
            carrier.reseed(seed)

        self._on_sandbox_loop(set_faults())

    def carrier_moves_only_when_told(self) -> None:
        async def stop_the_clockwork() -> None:
            self._carrier().step_seconds = 0

        self._on_sandbox_loop(stop_the_clockwork())

    def carrier_quietly(self, action: str, tracking_number: str) -> None:
        """As ``carrier``, but a parcel the carrier cannot move that way (cancelled meanwhile) is left as is."""
        remote = self._remote
        if remote is not None:
            requests.post(f"{remote.logistics_url}/sandbox/shipments/{tracking_number}/{action}", timeout=10)
            self._hear_from_carrier()
        else:
            with contextlib.suppress(Exception):
                self.server.call(getattr(self._carrier(), action)(tracking_number))
        self.server.settle()

    def carrier_time_passes(self, seconds: float) -> None:
        self.server.clock.advance(seconds)
        if self._remote is not None:
            self._on_sandbox_loop(self._carrier().tick())
            self._hear_from_carrier()
        else:
            self.server.call(self.server.runtime.run_periodic("sandbox-carrier"))
        self.server.settle()

    def forged_carrier_webhook(self, api: ApiClient, tracking_number: str, order_id: str) -> Reply:
        event = {
            "id": "cev_forged",
            "tracking_number": tracking_number,
            "reference": order_id,
            "status": "delivered",
            "location": "Nowhere",
            "occurred_at": self.server.clock.now().isoformat(),
        }
        return self._post_webhook(api, CARRIER_WEBHOOK, "Carrier-Signature", event, "not the shop's secret at all")

    def _hear_from_carrier(self) -> None:
        """Once the sandbox has sent its webhooks, the poller asks the carrier too (what a lost webhook
        would have said), so the test goes on only when the shop knows all the carrier does."""
        remote = self._remote
        assert remote is not None
        for _ in range(100):
            hooks = requests.get(f"{remote.logistics_url}/sandbox/webhooks", timeout=10).json()
            if len(hooks["sent"]) + len(hooks["failed"]) >= len(hooks["events"]):
                break
            time.sleep(0.05)
        self.server.call(self.server.runtime.run_periodic("shipment-poller"))

    # --- the shop's workers -------------------------------------------------------------------------

    def run_worker(self, name: str, after_seconds: float = 0) -> int:
        self.server.clock.advance(after_seconds)
        handled = self.server.call(self.server.runtime.run_periodic(name))
        self.server.settle()
        return handled

    def _post_webhook(self, api: ApiClient, path: str, header: str, event: dict[str, Any], secret: str) -> Reply:
        body = json.dumps(event).encode()
        timestamp = int(self.server.clock.now().timestamp())
        headers = {header: sign(secret, timestamp, body), "Content-Type": "application/json"}
        response = api.session.post(api.base_url + path, data=body, headers=headers, timeout=30)
        self.server.settle()
        try:
            content = response.json() if response.content else None
        except ValueError:
            content = response.text
        return Reply(response.status_code, content, dict(response.headers))
