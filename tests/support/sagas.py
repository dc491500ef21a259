"""The sagas' use cases over the in-memory saga store and fake desks, wired by hand, for the orchestrator's
unit tests and the saga engines' contract.

The fake desks record every call (in one shared list, so tests check the order of the steps), answer as a
test tells them, and can run a ``hook`` inside a call: the way the memory profile delivers, nested inside
a desk call, the events that call caused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import attrs

from adapters.memory.clock import ManualClock
from adapters.memory.orchestrator import MemoryOrchestratorUnitOfWork, SagaTables
from core.orchestrator import use_cases as uc
from core.orchestrator.commands import BeginCheckout, BeginRefund, Notify, ResumeStalled
from core.orchestrator.definition import Desks as SagaDesks
from core.orchestrator.definition import StepRule, rule_of
from core.orchestrator.model import Saga, SagaLine, Signal, Step, refund_saga_id
from core.shared.addresses import PostalAddress
from core.shared.errors import Unavailable
from core.shared.money import Money
from ports.checkout import OrderedItem, PaymentState, PaymentStatus, ShipmentState, ShipmentStatus
from ports.orchestrator import SagaEngine
from tests.support.events import RecordingEventBus

ORDER = "00000000-0000-7000-8000-00000000o001"
CUSTOMER = "00000000-0000-7000-8000-000000000c01"
TOTAL = Money(4998, "EUR")
ADDRESS = PostalAddress(
    recipient="Ann Smith", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)
STALL = 60
AUTHORIZED_PATH = ["stock.reserve", "orders.await_payment", "payments.authorize", "orders.confirm"]

Hook = Callable[[], Awaitable[Any]]
U = TypeVar("U", uc.StartCheckoutSaga, uc.StartRefundSaga, uc.AdvanceSagas, uc.ResumeStalledSagas)


@attrs.define
class FakeDesks:
    """All four fake desks in one: ``calls`` lists "desk.method" in the order they came."""

    calls: list[str] = attrs.Factory(list)
    hooks: dict[str, Hook] = attrs.Factory(dict)
    failing: dict[str, Exception] = attrs.Factory(dict)  # "desk.method" -> raised (once) instead
    refusing: dict[str, Exception] = attrs.Factory(dict)  # "desk.method" -> raised every time instead
    in_stock: bool = True
    authorize_answer: PaymentStatus = PaymentStatus.AUTHORIZED
    refund_answer: PaymentStatus = PaymentStatus.REFUNDED
    payment: PaymentStatus | None = None
    shipment_status: ShipmentStatus = ShipmentStatus.ACCEPTED
    reserved: bool = False
    released: int = 0

    async def _call(self, name: str) -> None:
        self.calls.append(name)
        if name in self.failing:
            raise self.failing.pop(name)
        if name in self.refusing:
            raise self.refusing[name]
        hook = self.hooks.pop(name, None)
        if hook is not None:
            await hook()

    def count(self, name: str) -> int:
        return self.calls.count(name)

    def _state(self, failure: str | None = None) -> PaymentState:
        assert self.payment is not None
        return PaymentState("pay-1", ORDER, self.payment, TOTAL, None, None, failure)

    # StockDesk
    async def reserve(self, order_id: str, items: Sequence[OrderedItem]) -> bool:
        await self._call("stock.reserve")
        self.reserved = self.reserved or self.in_stock
        return self.in_stock

    async def release(self, order_id: str) -> None:
        await self._call("stock.release")
        if self.reserved:
            self.reserved, self.released = False, self.released + 1

    async def commit(self, order_id: str) -> None:
        await self._call("stock.commit")

    # PaymentDesk
    async def authorize(self, order_id: str, customer_id: str, amount: Money, payment_token: str) -> PaymentState:
        assert payment_token == "tok_visa"
        await self._call("payments.authorize")
        if self.payment is None:
            self.payment = self.authorize_answer
        return self._state("insufficient funds" if self.payment is PaymentStatus.DECLINED else None)

    async def capture(self, order_id: str) -> PaymentState:
        await self._call("payments.capture")
        self.payment = PaymentStatus.CAPTURED
        return self._state()

    async def void(self, order_id: str) -> PaymentState | None:
        await self._call("payments.void")
        self.payment = PaymentStatus.VOIDED
        return self._state()

    async def refund(self, order_id: str) -> PaymentState | None:
        await self._call("payments.refund")
        self.payment = self.refund_answer
        return self._state()

    async def state(self, order_id: str) -> PaymentState | None:
        self.calls.append("payments.state")
        return None if self.payment is None else self._state()

    # OrderDesk
    async def await_payment(self, order_id: str) -> None:
        await self._call("orders.await_payment")

    async def confirm(self, order_id: str) -> None:
        await self._call("orders.confirm")

    async def mark_shipped(self, order_id: str) -> None:
        await self._call("orders.mark_shipped")

    async def mark_delivered(self, order_id: str) -> None:
        await self._call("orders.mark_delivered")

    async def cancel(self, order_id: str, reason: str) -> None:
        await self._call(f"orders.cancel: {reason}")

    async def mark_refunded(self, order_id: str, amount: Money) -> None:
        await self._call(f"orders.mark_refunded: {amount}")

    async def refuse_return(self, order_id: str, reason: str) -> None:
        await self._call(f"orders.refuse_return: {reason}")

    # ShippingDesk
    async def create(
        self, order_id: str, customer_id: str, address: PostalAddress, items: Sequence[OrderedItem]
    ) -> ShipmentState:
        assert address == ADDRESS
        await self._call("shipping.create")
        return ShipmentState("ship-1", order_id, self.shipment_status, "sandbox", "TRK1")

    async def cancel_shipment(self, order_id: str) -> bool:
        await self._call("shipping.cancel")
        return True


class ShippingView:
    """The shipping desk's face of ``Desks`` (its ``cancel`` clashes with the order desk's)."""

    def __init__(self, desks: FakeDesks) -> None:
        self.desks = desks

    async def create(
        self, order_id: str, customer_id: str, address: PostalAddress, items: Sequence[OrderedItem]
    ) -> ShipmentState:
        return await self.desks.create(order_id, customer_id, address, items)

    async def cancel(self, order_id: str) -> bool:
        return await self.desks.cancel_shipment(order_id)


async def _nothing() -> None:
    return None


@attrs.define
class SagasApp:
    """The sagas' use cases on an engine: the built-in runner unless a test sets ``engine`` (Temporal, in
    the engines' contract). ``settle`` is what a test awaits for the engine to have done what it can."""

    clock: ManualClock
    desks: FakeDesks = attrs.Factory(FakeDesks)
    tables: SagaTables = attrs.Factory(SagaTables)
    bus: RecordingEventBus = attrs.Factory(RecordingEventBus)
    rules: Callable[[Step], StepRule] = rule_of
    engine: SagaEngine | None = None
    settle: Callable[[], Awaitable[None]] = attrs.field(default=_nothing)
    order_id: str = ORDER  # the order of place() and the others, unless told another

    def uow(self) -> MemoryOrchestratorUnitOfWork:
        return MemoryOrchestratorUnitOfWork(self.tables, self.bus)

    @property
    def definition_desks(self) -> SagaDesks:
        d = self.desks
        return SagaDesks(d, d, d, ShippingView(d))

    @property
    def runner(self) -> uc.SagaRunner:
        return uc.SagaRunner(self.uow, self.clock, self.definition_desks, rules=self.rules)

    def build(self, cls: type[U]) -> U:
        if cls is uc.ResumeStalledSagas:
            return cls(self.uow, self.clock, self.runner)  # type: ignore[call-arg]
        return cls(self.engine or self.runner, self.clock)  # type: ignore[call-arg]

    @property
    def start_checkout(self) -> uc.StartCheckoutSaga:
        return self.build(uc.StartCheckoutSaga)

    @property
    def start_refund(self) -> uc.StartRefundSaga:
        return self.build(uc.StartRefundSaga)

    @property
    def advance(self) -> uc.AdvanceSagas:
        return self.build(uc.AdvanceSagas)

    @property
    def sweeper(self) -> uc.ResumeStalledSagas:
        return self.build(uc.ResumeStalledSagas)

    async def place(self, order_id: str | None = None) -> None:
        await self.start_checkout(
            BeginCheckout(
                order_id=order_id or self.order_id,
                customer_id=CUSTOMER,
                lines=[SagaLine("p-1", 2)],
                total=TOTAL,
                address=ADDRESS,
                payment_token="tok_visa",
            )
        )

    async def request_return(self, amount: Money = TOTAL) -> None:
        await self.start_refund(BeginRefund(order_id=self.order_id, customer_id=CUSTOMER, amount=amount))

    async def hear(self, signal: Signal, order_id: str | None = None, **kw: Any) -> None:
        await self.advance(Notify(order_id=order_id or self.order_id, signal=signal, **kw))

    def later(self, signal: Signal, **kw: Any) -> Hook:
        """A hook delivering ``signal`` to the sagas (through a fresh use case) inside a desk call."""

        async def deliver() -> None:
            await self.hear(signal, **kw)

        return deliver

    async def sweep(self) -> int:
        return await self.sweeper(ResumeStalled(STALL))

    async def saga(self, saga_id: str | None = None) -> Saga:
        async with self.uow() as uow:
            saga = await uow.sagas.get(saga_id or self.order_id)
        assert saga is not None
        return saga

    async def refund_saga(self) -> Saga:
        return await self.saga(refund_saga_id(self.order_id))

    async def shipped(self) -> None:
        """A checkout up to the parcel on its way to the customer."""
        await self.place()
        await self.hear(Signal.ORDER_READY_TO_SHIP)
        await self.hear(Signal.PARCEL_PICKED_UP)


def unavailable(what: str = "the carrier") -> Unavailable:
    return Unavailable(f"{what} does not answer")
