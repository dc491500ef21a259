"""The sandbox payment gateway and carrier as servers of their own (`marketplace sandbox payments|logistics`).

They imitate the external APIs the infra profile talks to, with the shop's development secrets by default,
so `marketplace serve` on infra and a sandbox on each default port make a whole shop on one laptop.
"""

from __future__ import annotations

from aiohttp import web

from adapters.system import SystemClock
from config.settings import Settings

KINDS = ("payments", "logistics")
DEFAULT_PORTS = {"payments": 8091, "logistics": 8092}


def sandbox_app(
    kind: str, settings: Settings, port: int, webhook_url: str | None, seed: int | None = None
) -> web.Application:
    """The sandbox ``kind`` serving on ``port``, sending its webhooks to ``webhook_url`` (none when None)."""
    if kind == "payments":
        from adapters.payment_gateway.sandbox import create_sandbox_app
        from adapters.payment_gateway.simulator import GatewaySimulator

        return create_sandbox_app(
            GatewaySimulator(SystemClock(), seed=seed),
            api_key=settings.payment_gateway_api_key,
            webhook_url=webhook_url,
            webhook_secret=settings.payment_webhook_secret,
        )
    if kind == "logistics":
        from adapters.logistics_api.sandbox import create_sandbox_app as carrier_app
        from adapters.logistics_api.simulator import CarrierSimulator

        step = settings.sandbox_carrier_step_seconds
        simulator = CarrierSimulator(
            SystemClock(), step_seconds=step, seed=seed, label_base=f"http://127.0.0.1:{port}/v1/labels"
        )
        return carrier_app(
            simulator,
            api_key=settings.logistics_api_key,
            webhook_url=webhook_url,
            webhook_secret=settings.logistics_webhook_secret,
        )
    raise ValueError(f"no sandbox {kind!r}: the sandboxes are {', '.join(KINDS)}")


def default_webhook_url(kind: str, settings: Settings) -> str:
    """Where the shop of these settings takes the sandbox's webhooks."""
    path = "/api/v1/payments/webhooks/gateway" if kind == "payments" else "/api/v1/logistics/webhooks/carrier"
    return f"http://127.0.0.1:{settings.port}{path}"
