"""The sagas as any engine runs them: what each step does, what its answer does to the saga, and how long
a step may take and how it is tried again.

The saga's moves (``Saga`` in model.py: a step's answer, another context's news) are the one state machine.
An engine runs it: at an active step it calls ``perform`` (the desk calls of ``DESK_WORK``) and hands the
``Outcome`` to ``apply``, if the saga is still at the seq the call was made at; at a waiting step it waits
for news (``Saga.hear``). The built-in runner keeps the saga in the orchestrator's database and is driven
by the consumers and the sweeper; Temporal keeps it in a workflow's history and drives it itself. Neither
knows a step's work, and the definition knows neither.

An ``Outcome`` is plain data (no callable, no desk object) so that an engine can store it: Temporal records
it in the workflow's history and replays ``apply`` from it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import attrs

from core.orchestrator.commands import Notify
from core.orchestrator.model import Saga, Step
from core.shared.errors import Conflict
from ports.checkout import (
    OrderDesk,
    PaymentDesk,
    PaymentStatus,
    ShipmentRefused,
    ShipmentState,
    ShippingDesk,
    StockDesk,
)


@attrs.frozen
class Desks:
    """The four contexts a saga commands (ports.checkout), each idempotent on the order id."""

    stock: StockDesk
    payments: PaymentDesk
    orders: OrderDesk
    shipping: ShippingDesk


@attrs.frozen(kw_only=True)
class Outcome:
    """What a step's desk calls answered: the fields its step reads, the others left empty."""

    step: Step
    reserved: bool = False  # reserve_stock
    payment: PaymentStatus | None = None  # authorize_payment, refund_payment, await_void (None: no payment)
    failure: str | None = None  # authorize_payment: why it was declined
    shipment: ShipmentState | None = None  # create_shipment: booked
    refused: str | None = None  # create_shipment: why the carrier will not take it
    in_flight: bool = False  # compensate: an authorization still under way, voided once it lands


@attrs.frozen
class StepRule:
    """How long one try of a step may take (a desk call that hangs is abandoned and the step tried again;
    every desk call is idempotent, so a try that was in fact applied changes nothing twice), and how tries
    are spaced: ``first_pause``, doubled up to ``longest_pause``, for as long as the saga runs."""

    timeout: timedelta
    first_pause: timedelta = timedelta(seconds=1)
    longest_pause: timedelta = timedelta(minutes=1)
    # The step asks only the shop's own contexts (their databases), no outside API: it is quick, and an
    # engine may do it without a round trip of its own (Temporal: a local activity).
    inside: bool = False

    def within(self, limit: timedelta) -> StepRule:
        """The rule with no wait longer than ``limit`` (a shop that must recover fast: tests, a demo)."""
        return attrs.evolve(
            self,
            timeout=min(self.timeout, limit),
            first_pause=min(self.first_pause, limit),
            longest_pause=min(self.longest_pause, limit),
        )


# A gateway or a carrier behind the desk: their clients' own timeouts and retries come first.
_OUTSIDE = StepRule(timeout=timedelta(seconds=60), first_pause=timedelta(seconds=2))
_INSIDE = StepRule(timeout=timedelta(seconds=15), inside=True)
RULES: dict[Step, StepRule] = {
    Step.AUTHORIZE_PAYMENT: _OUTSIDE,
    Step.CREATE_SHIPMENT: _OUTSIDE,
    Step.SETTLE_SHIPMENT: _OUTSIDE,
    Step.REFUND_PAYMENT: _OUTSIDE,
    Step.COMPENSATE: _OUTSIDE,
}


def rule_of(step: Step) -> StepRule:
    return RULES.get(step, _INSIDE)


Work = Callable[[Saga, Desks], Awaitable[Outcome]]


async def _reserve(saga: Saga, d: Desks) -> Outcome:
    reserved = await d.stock.reserve(saga.order_id, saga.items)
    return Outcome(step=Step.RESERVE_STOCK, reserved=reserved)


async def _authorize(saga: Saga, d: Desks) -> Outcome:
    await d.orders.await_payment(saga.order_id)
    payment = await d.payments.authorize(saga.order_id, saga.customer_id, saga.amount, saga.payment_token or "")
    return Outcome(step=Step.AUTHORIZE_PAYMENT, payment=payment.status, failure=payment.failure)


async def _confirm(saga: Saga, d: Desks) -> Outcome:
    await d.orders.confirm(saga.order_id)
    return Outcome(step=Step.CONFIRM_ORDER)


async def _ship(saga: Saga, d: Desks) -> Outcome:
    if saga.address is None:
        raise Conflict("the saga has no delivery address")
    try:
        shipment = await d.shipping.create(saga.order_id, saga.customer_id, saga.address, saga.items)
    except ShipmentRefused as refused:
        return Outcome(step=Step.CREATE_SHIPMENT, refused=refused.message)
    return Outcome(step=Step.CREATE_SHIPMENT, shipment=shipment)


async def _settle(saga: Saga, d: Desks) -> Outcome:
    await d.payments.capture(saga.order_id)
    await d.stock.commit(saga.order_id)
    await d.orders.mark_shipped(saga.order_id)
    return Outcome(step=Step.SETTLE_SHIPMENT)


async def _deliver(saga: Saga, d: Desks) -> Outcome:
    await d.orders.mark_delivered(saga.order_id)
    return Outcome(step=Step.MARK_DELIVERED)


async def _refund(saga: Saga, d: Desks) -> Outcome:
    refund = await d.payments.refund(saga.order_id)
    return Outcome(step=Step.REFUND_PAYMENT, payment=None if refund is None else refund.status)


async def _mark_refunded(saga: Saga, d: Desks) -> Outcome:
    await d.orders.mark_refunded(saga.order_id, saga.amount)
    return Outcome(step=Step.MARK_REFUNDED)


async def _refuse_return(saga: Saga, d: Desks) -> Outcome:
    await d.orders.refuse_return(saga.order_id, saga.reason or "the refund failed")
    return Outcome(step=Step.REFUSE_RETURN)


async def _cancel(saga: Saga, d: Desks) -> Outcome:
    await d.orders.cancel(saga.order_id, saga.reason or "cancelled by the system")
    return Outcome(step=Step.CANCEL_ORDER)


# Settled payments: nothing of them is held any more, so compensation leaves them be.
_SETTLED = frozenset({PaymentStatus.DECLINED, PaymentStatus.FAILED, PaymentStatus.VOIDED, PaymentStatus.VOIDING})


async def _compensate(saga: Saga, d: Desks) -> Outcome:
    """Undo in reverse of doing: the shipment, then the payment, then the stock. An authorization still in
    flight cannot be voided yet: the saga waits for it to land (await_void)."""
    order = saga.order_id
    if saga.shipment_requested:
        await d.shipping.cancel(order)  # False: the carrier has it already, and the stock was committed
    payment = await d.payments.state(order)
    in_flight = payment is not None and payment.status is PaymentStatus.AUTHORIZING
    if payment is not None and not in_flight and payment.status not in _SETTLED:
        await d.payments.void(order)
    await d.stock.release(order)  # harmless when nothing is held
    return Outcome(step=Step.COMPENSATE, in_flight=in_flight)


async def _check_void(saga: Saga, d: Desks) -> Outcome:
    current = await d.payments.state(saga.order_id)
    return Outcome(step=Step.AWAIT_VOID, payment=None if current is None else current.status)


# What each active step does (a waiting step does nothing: news moves it).
DESK_WORK: dict[Step, Work] = {
    Step.RESERVE_STOCK: _reserve,
    Step.AUTHORIZE_PAYMENT: _authorize,
    Step.CONFIRM_ORDER: _confirm,
    Step.CREATE_SHIPMENT: _ship,
    Step.SETTLE_SHIPMENT: _settle,
    Step.MARK_DELIVERED: _deliver,
    Step.REFUND_PAYMENT: _refund,
    Step.MARK_REFUNDED: _mark_refunded,
    Step.REFUSE_RETURN: _refuse_return,
    Step.CANCEL_ORDER: _cancel,
    Step.COMPENSATE: _compensate,
    Step.AWAIT_VOID: _check_void,
}


async def perform(saga: Saga, desks: Desks) -> Outcome:
    """Do the saga's current step through the desks once."""
    work = DESK_WORK.get(saga.step)
    if work is None:
        raise Conflict(f"saga {saga.id} has nothing to do at {saga.step.value}")
    return await work(saga, desks)


def apply(saga: Saga, outcome: Outcome, now: datetime) -> None:
    """Move the saga on with what its step's desk calls answered."""
    o = outcome
    match o.step:
        case Step.RESERVE_STOCK:
            saga.stock_answered(o.reserved, now)
        case Step.AUTHORIZE_PAYMENT:
            saga.payment_answered(o.payment or PaymentStatus.FAILED, o.failure, now)
        case Step.CONFIRM_ORDER:
            saga.order_confirmed(now)
        case Step.CREATE_SHIPMENT if o.refused is not None:
            saga.shipment_refused(o.refused, now)
        case Step.CREATE_SHIPMENT if o.shipment is not None:
            saga.shipment_booked(o.shipment, now)
        case Step.SETTLE_SHIPMENT:
            saga.shipment_settled(now)
        case Step.MARK_DELIVERED:
            saga.delivery_marked(now)
        case Step.REFUND_PAYMENT:
            saga.refund_answered(o.payment, now)
        case Step.MARK_REFUNDED:
            saga.refund_marked(now)
        case Step.REFUSE_RETURN:
            saga.return_refused(now)
        case Step.CANCEL_ORDER:
            saga.cancellation_sent(now)
        case Step.COMPENSATE:
            saga.compensated(o.in_flight, now)
        case Step.AWAIT_VOID:
            saga.void_checked(o.payment, now)
        case _:
            raise Conflict(f"saga {saga.id}: no answer of {o.step.value} to apply")


def hear(saga: Saga, news: Notify, now: datetime) -> bool:
    """Another context's news, told to the saga: False when it is stale or not this saga's."""
    return saga.hear(news.signal, now, reason=news.reason, operation=news.operation, declined=news.declined)


def undo_late(step: Step, saga: Saga) -> bool:
    """After a stale answer (the saga moved on during the call): True when the call's effect must be undone.
    Only a reservation that landed after the order was cancelled needs it (the cancellation ended the saga
    before anything was held); the undo is ``Desks.stock.release``."""
    return step is Step.RESERVE_STOCK and saga.ended
