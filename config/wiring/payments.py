"""Payments: the payments database (or memory), the payment gateway, the saga's desk, the payment error
worker and the gateway's webhooks.

memory: the sandbox gateway runs in-process (``GatewaySimulator``, registered so tests and the sandbox
control can reach it) and its webhooks go straight to the use case that receives them. infra: the HTTP
adapter of the gateway at ``payment_gateway_url``; webhooks arrive on the API's webhook route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.memory.payments import MemoryPaymentsUnitOfWork, PaymentsTables
from adapters.payment_gateway.memory import SimulatedPaymentGateway
from adapters.payment_gateway.simulator import GatewaySimulator
from config.runtime import Wiring
from core.payments import use_cases as uc
from core.payments.commands import RetryDue
from core.payments.desk import PaymentsForSagas
from core.payments.model import RetryPolicy
from core.payments.operations import GatewayCalls
from core.payments.webhooks import read_event
from entrypoints.workers.metrics import payment_retries
from entrypoints.workers.periodic import PeriodicWorker
from ports.checkout import PaymentDesk
from ports.payment_gateway import PaymentGateway
from ports.payments import PaymentsUnitOfWork
from ports.shared import Clock, IdGenerator

DATABASE = "payments"
PAYMENT_ERRORS = "payment-errors"
BATCH = 50


def register(w: Wiring) -> None:
    s, c = w.settings, w.container
    clock: Clock = c.resolve(Clock)
    policy = RetryPolicy(
        limit=s.payment_retry_limit,
        base_seconds=s.payment_retry_base_seconds,
        # A call under way is left to its caller for as long as all its tries can take, twice over.
        lease_seconds=max(60.0, 2 * (s.payment_gateway_retries + 1) * s.payment_gateway_timeout_seconds),
    )
    sessions: Callable[[], PaymentsUnitOfWork]
    gateway: PaymentGateway
    simulator: GatewaySimulator | None = None
    if w.infra:
        from adapters.payment_gateway.client import HttpPaymentGateway
        from adapters.postgres.payments.repository import PostgresPaymentsUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)

        def sessions() -> PaymentsUnitOfWork:
            return PostgresPaymentsUnitOfWork(pool, nudge)

        client = HttpPaymentGateway(
            s.payment_gateway_url,
            s.payment_gateway_api_key,
            timeout_seconds=s.payment_gateway_timeout_seconds,
            retries=s.payment_gateway_retries,
            deadline_seconds=s.outbound_deadline_seconds,
            metrics=w.outbound_metrics,
        )
        w.runtime.on_close(client.close)
        gateway = client
    else:
        tables = PaymentsTables()

        def sessions() -> PaymentsUnitOfWork:
            return MemoryPaymentsUnitOfWork(tables, w.bus)

        simulator = GatewaySimulator(clock)
        c.register(GatewaySimulator, instance=simulator)
        w.runtime.on_close(simulator.close)
        gateway = SimulatedPaymentGateway(simulator, s.payment_gateway_retries)

    gateway = w.runtime.tracing.wrap(gateway, "payment-gateway", peer="payment-gateway")  # a span per call
    calls = GatewayCalls(sessions, gateway, clock, policy)
    w.units_of_work(PaymentsUnitOfWork, sessions)
    c.register(PaymentGateway, instance=gateway)
    c.register(GatewayCalls, instance=calls)
    c.register(PaymentDesk, instance=PaymentsForSagas(sessions, calls, c.resolve(IdGenerator), clock, policy))
    c.register(uc.ShowOrderPayment, factory=lambda: uc.ShowOrderPayment(sessions))
    c.register(uc.ListAllPayments, factory=lambda: uc.ListAllPayments(sessions))
    receive = uc.ReceiveGatewayEvent(sessions, clock)
    c.register(uc.ReceiveGatewayEvent, instance=receive)
    retry = uc.RetryPaymentOperations(sessions, calls, clock, policy, payment_retries(w.runtime.metrics))
    c.register(uc.RetryPaymentOperations, instance=retry)
    w.runtime.add_periodic(
        PeriodicWorker(PAYMENT_ERRORS, lambda: retry(RetryDue(BATCH)), s.payment_errors_poll_seconds)
    )
    if simulator is not None:

        async def on_webhook(event: dict[str, Any]) -> None:
            await receive(read_event(event))

        simulator.listeners.append(on_webhook)
