"""The payments use cases over the in-memory adapters and the sandbox gateway, wired by hand."""

from __future__ import annotations

import attrs
import pytest

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.payments import MemoryPaymentsUnitOfWork, PaymentsTables
from adapters.payment_gateway.memory import SimulatedPaymentGateway
from adapters.payment_gateway.simulator import GatewaySimulator
from core.payments import use_cases as uc
from core.payments.commands import RetryDue
from core.payments.desk import PaymentsForSagas
from core.payments.model import Payment, RetryPolicy
from core.payments.operations import GatewayCalls
from core.shared.money import Money
from core.shared.security import Principal, Role
from ports.checkout import PaymentState
from ports.payments import PaymentsUnitOfWork
from tests.support.events import RecordingEventBus

ANN = Principal("00000000-0000-7000-8000-000000000a22", frozenset({Role.CUSTOMER}), "s-ann")
BOB = Principal("00000000-0000-7000-8000-000000000b0b", frozenset({Role.CUSTOMER}), "s-bob")
ADMIN = Principal("00000000-0000-7000-8000-0000000000ad", frozenset({Role.ADMIN}), "s-admin")
EUR_42 = Money(4200, "EUR")
POLICY = RetryPolicy(limit=4, base_seconds=30.0, cap_seconds=3600.0, lease_seconds=120.0)


@attrs.define
class PaymentsApp:
    clock: ManualClock
    bus: RecordingEventBus
    retries: int = 0
    tables: PaymentsTables = attrs.Factory(PaymentsTables)
    ids: SequentialIds = attrs.Factory(SequentialIds)
    simulator: GatewaySimulator = attrs.field(init=False)
    gateway: SimulatedPaymentGateway = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.simulator = GatewaySimulator(self.clock, seed=7)
        self.simulator.deliver_webhooks = False  # tests that want them turn them on
        self.gateway = SimulatedPaymentGateway(self.simulator, self.retries)

    def uow(self) -> PaymentsUnitOfWork:
        return MemoryPaymentsUnitOfWork(self.tables, self.bus)

    @property
    def calls(self) -> GatewayCalls:
        return GatewayCalls(self.uow, self.gateway, self.clock, POLICY)

    @property
    def desk(self) -> PaymentsForSagas:
        return PaymentsForSagas(self.uow, self.calls, self.ids, self.clock, POLICY)

    @property
    def worker(self) -> uc.RetryPaymentOperations:
        return uc.RetryPaymentOperations(self.uow, self.calls, self.clock, POLICY)

    @property
    def receive(self) -> uc.ReceiveGatewayEvent:
        return uc.ReceiveGatewayEvent(self.uow, self.clock)

    async def retry(self) -> int:
        return await self.worker(RetryDue(50))

    async def authorize(
        self,
        order_id: str = "order-1",
        token: str = "tok_visa",  # noqa: S107 - a test card token
        amount: Money = EUR_42,
    ) -> PaymentState:
        return await self.desk.authorize(order_id, ANN.user_id, amount, token)

    async def stored(self, order_id: str = "order-1") -> Payment:
        async with self.uow() as uow:
            payment = await uow.payments.for_order(order_id)
        assert payment is not None
        return payment


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def bus() -> RecordingEventBus:
    return RecordingEventBus()


@pytest.fixture
def payments(clock: ManualClock, bus: RecordingEventBus) -> PaymentsApp:
    return PaymentsApp(clock, bus)
