"""The orchestrator's consumers: the checkout saga starts on OrderPlaced, the refund saga on ReturnRequested,
and what orders, payments and logistics report moves the sagas of the order on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from core.logistics.events import ShipmentDelivered, ShipmentLost, ShipmentStatusChanged
from core.orchestrator.commands import BeginCheckout, BeginRefund, Notify
from core.orchestrator.model import PICKED_UP, SagaLine, Signal
from core.orchestrator.use_cases import AdvanceSagas, StartCheckoutSaga, StartRefundSaga
from core.orders.events import OrderCancelled, OrderPlaced, OrderReadyToShip, ReturnRequested
from core.payments.events import PaymentAuthorized, PaymentFailed, PaymentRefunded
from core.shared.events import Event
from entrypoints.consumers.inbox import idempotent
from ports.checkout import ShipmentStatus
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "orchestrator"

E = TypeVar("E", bound=Event)


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    inbox = runtime.inbox(GROUP)

    def on(event_type: type[E], handle: Callable[[E], Awaitable[None]]) -> None:
        bus.subscribe(GROUP, event_type, idempotent(GROUP, inbox, handle))

    async def notify(command: Notify) -> None:
        await runtime.resolve(AdvanceSagas)(command)

    async def on_placed(event: OrderPlaced) -> None:
        command = BeginCheckout(
            order_id=event.order_id,
            customer_id=event.customer_id,
            lines=[SagaLine(line.product_id, line.quantity) for line in event.lines],
            total=event.total,
            address=event.address,
            payment_token=event.payment_token,
        )
        await runtime.resolve(StartCheckoutSaga)(command)

    async def on_return(event: ReturnRequested) -> None:
        command = BeginRefund(order_id=event.order_id, customer_id=event.customer_id, amount=event.amount)
        await runtime.resolve(StartRefundSaga)(command)

    async def on_authorized(event: PaymentAuthorized) -> None:
        await notify(Notify(order_id=event.order_id, signal=Signal.PAYMENT_AUTHORIZED))

    async def on_payment_failed(event: PaymentFailed) -> None:
        await notify(
            Notify(
                order_id=event.order_id,
                signal=Signal.PAYMENT_FAILED,
                reason=event.reason,
                operation=event.operation,
                declined=event.declined,
            )
        )

    async def on_refunded(event: PaymentRefunded) -> None:
        await notify(Notify(order_id=event.order_id, signal=Signal.PAYMENT_REFUNDED))

    async def on_ready(event: OrderReadyToShip) -> None:
        await notify(Notify(order_id=event.order_id, signal=Signal.ORDER_READY_TO_SHIP))

    async def on_status(event: ShipmentStatusChanged) -> None:
        # Whichever of in transit, out for delivery or delivered is seen first: the carrier has the parcel.
        if ShipmentStatus(event.status) in PICKED_UP:
            await notify(Notify(order_id=event.order_id, signal=Signal.PARCEL_PICKED_UP))

    async def on_delivered(event: ShipmentDelivered) -> None:
        await notify(Notify(order_id=event.order_id, signal=Signal.PARCEL_DELIVERED))

    async def on_lost(event: ShipmentLost) -> None:
        await notify(Notify(order_id=event.order_id, signal=Signal.PARCEL_LOST))

    async def on_cancelled(event: OrderCancelled) -> None:
        await notify(Notify(order_id=event.order_id, signal=Signal.ORDER_CANCELLED, reason=event.reason))

    on(OrderPlaced, on_placed)
    on(ReturnRequested, on_return)
    on(PaymentAuthorized, on_authorized)
    on(PaymentFailed, on_payment_failed)
    on(PaymentRefunded, on_refunded)
    on(OrderReadyToShip, on_ready)
    on(ShipmentStatusChanged, on_status)
    on(ShipmentDelivered, on_delivered)
    on(ShipmentLost, on_lost)
    on(OrderCancelled, on_cancelled)
