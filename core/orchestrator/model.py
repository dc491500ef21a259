"""The orchestrator's sagas: process managers whose state is persisted, so a restart resumes each one.

These are the sagas' moves; what each active step asks of the desks, and each step's timeout and retries,
are in definition.py; an engine (the built-in runner, or Temporal) runs the two.

A saga sits at one ``Step``. An active step is work the saga does itself (a call to another context's
desk); a waiting step is work someone else does (sellers preparing, the parcel travelling) and only an
event moves it on. The checkout saga (id = the order id)::

    reserve_stock --reserved--> authorize_payment --authorized--> confirm_order --> await_sellers
        |  \\--short--> cancel_order --> compensate --> (cancelled)      |  \\--declined/failed--> cancel_order
        |                                                               v
        |      await_sellers --ready--> create_shipment --> await_pickup --picked up--> settle_shipment
        |      settle_shipment (capture, commit stock, shipped) --> await_delivery --delivered--> mark_delivered
        |      await_delivery --lost--> refund_payment --> mark_refunded --> (lost_refunded)
        \\--cancelled before anything was reserved--> (cancelled)

An order cancelled at any step up to ``await_pickup`` sends the saga to ``compensate`` (cancel the shipment,
void the payment, release the stock, in that order); an authorization still in flight then is voided once
it lands (``await_void``). The refund saga (id = ``refund:<order id>``): refund_payment --> mark_refunded
(completed), or refuse_return when the refund failed for good (failed).

``seq`` counts the moves between steps: a desk call is made at one ``seq``, and its answer is applied only
if the saga is still there (an event may have moved it on meanwhile, even from inside the call itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

import attrs

from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict
from core.shared.events import Aggregate
from core.shared.money import Money
from core.shared.pagination import moment_key
from ports.checkout import OrderedItem, PaymentStatus, ShipmentState, ShipmentStatus

LOG_MAX = 100  # the newest entries a saga keeps: enough for an admin to see what happened
REFUND_PREFIX = "refund:"


class SagaKind(StrEnum):
    CHECKOUT = "checkout"
    REFUND = "refund"


class SagaStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    LOST_REFUNDED = "lost_refunded"
    FAILED = "failed"


class Step(StrEnum):
    RESERVE_STOCK = "reserve_stock"
    AUTHORIZE_PAYMENT = "authorize_payment"
    CONFIRM_ORDER = "confirm_order"
    AWAIT_SELLERS = "await_sellers"
    CREATE_SHIPMENT = "create_shipment"
    AWAIT_PICKUP = "await_pickup"
    SETTLE_SHIPMENT = "settle_shipment"
    AWAIT_DELIVERY = "await_delivery"
    MARK_DELIVERED = "mark_delivered"
    REFUND_PAYMENT = "refund_payment"
    MARK_REFUNDED = "mark_refunded"
    REFUSE_RETURN = "refuse_return"
    CANCEL_ORDER = "cancel_order"
    COMPENSATE = "compensate"
    AWAIT_VOID = "await_void"
    DONE = "done"


# Steps whose work belongs to someone else: the sweeper leaves them to the events that end them.
WAITING = frozenset({Step.AWAIT_SELLERS, Step.AWAIT_PICKUP, Step.AWAIT_DELIVERY})
# Up to here an order may still be cancelled (the parcel has not left): the saga compensates.
_CANCELLABLE = frozenset(
    {
        Step.AUTHORIZE_PAYMENT,
        Step.CONFIRM_ORDER,
        Step.AWAIT_SELLERS,
        Step.CREATE_SHIPMENT,
        Step.AWAIT_PICKUP,
        Step.CANCEL_ORDER,
    }
)
_BEFORE_PICKUP = frozenset({Step.CREATE_SHIPMENT, Step.AWAIT_PICKUP})
# The statuses that tell the carrier has the parcel (lost has its own event).
PICKED_UP = frozenset({ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY, ShipmentStatus.DELIVERED})
_SETTLED_REFUND = frozenset({PaymentStatus.REFUNDED, PaymentStatus.VOIDED})
_NOTHING_TO_VOID = frozenset(
    {PaymentStatus.DECLINED, PaymentStatus.FAILED, PaymentStatus.VOIDED, PaymentStatus.VOIDING}
)


class Signal(StrEnum):
    """What other contexts tell the sagas, through their events."""

    PAYMENT_AUTHORIZED = "payment_authorized"
    PAYMENT_FAILED = "payment_failed"
    PAYMENT_REFUNDED = "payment_refunded"
    ORDER_READY_TO_SHIP = "order_ready_to_ship"
    PARCEL_PICKED_UP = "parcel_picked_up"
    PARCEL_DELIVERED = "parcel_delivered"
    PARCEL_LOST = "parcel_lost"
    ORDER_CANCELLED = "order_cancelled"


@attrs.frozen
class SagaLine:
    product_id: str
    quantity: int


@attrs.frozen
class LogEntry:
    """One thing the saga did or learnt: ``name`` is the step it was at."""

    name: str
    outcome: str
    at: datetime


def refund_saga_id(order_id: str) -> str:
    return REFUND_PREFIX + order_id


@attrs.define
class Saga(Aggregate):
    id: str
    kind: SagaKind
    order_id: str
    customer_id: str
    amount: Money  # the order's total (checkout) or the amount to give back (refund)
    status: SagaStatus
    step: Step
    created_at: datetime
    updated_at: datetime
    lines: list[SagaLine] = attrs.Factory(list)
    address: PostalAddress | None = None
    # The gateway's token for the customer's card (never card data), dropped once it served.
    payment_token: str | None = attrs.field(default=None, repr=False)
    reason: str | None = None  # why it was cancelled or failed
    shipment_requested: bool = False  # a shipment may exist: compensation calls it off
    delivered_seen: bool = False  # delivered before the saga settled the shipment
    lost_seen: bool = False  # lost before the saga settled the shipment
    seq: int = 0
    log: list[LogEntry] = attrs.Factory(list)
    version: int = 0

    @classmethod
    def checkout(
        cls,
        *,
        order_id: str,
        customer_id: str,
        lines: Sequence[SagaLine],
        total: Money,
        address: PostalAddress,
        payment_token: str,
        now: datetime,
    ) -> Saga:
        saga = cls(
            id=order_id,
            kind=SagaKind.CHECKOUT,
            order_id=order_id,
            customer_id=customer_id,
            amount=total,
            status=SagaStatus.RUNNING,
            step=Step.RESERVE_STOCK,
            created_at=now,
            updated_at=now,
            lines=list(lines),
            address=address,
            payment_token=payment_token,
        )
        saga.note("order placed", now)
        return saga

    @classmethod
    def refund(cls, *, order_id: str, customer_id: str, amount: Money, now: datetime) -> Saga:
        saga = cls(
            id=refund_saga_id(order_id),
            kind=SagaKind.REFUND,
            order_id=order_id,
            customer_id=customer_id,
            amount=amount,
            status=SagaStatus.RUNNING,
            step=Step.REFUND_PAYMENT,
            created_at=now,
            updated_at=now,
        )
        saga.note("return requested", now)
        return saga

    def request_return_again(self, amount: Money, now: datetime) -> bool:
        """A refused return was delivered again and is sent back once more: the refund starts over."""
        if self.kind is not SagaKind.REFUND or self.status is not SagaStatus.FAILED:
            return False
        self.amount, self.reason, self.status = amount, None, SagaStatus.RUNNING
        self._move(Step.REFUND_PAYMENT, "return requested again", now)
        return True

    @property
    def ended(self) -> bool:
        return self.status is not SagaStatus.RUNNING

    @property
    def waiting(self) -> bool:
        return self.step in WAITING

    @property
    def before_authorization(self) -> bool:
        """Running and not past the payment's authorization: the card's token is still to serve."""
        return not self.ended and self.step in (Step.RESERVE_STOCK, Step.AUTHORIZE_PAYMENT)

    @property
    def at_step_since(self) -> datetime:
        """When the saga came to its current step: a move is logged under the step it left, so the last
        entry of another step (or the saga's start, when every entry left is of this step)."""
        moves = [entry.at for entry in self.log if entry.name != self.step.value]
        return max(moves, default=self.created_at)

    @property
    def items(self) -> list[OrderedItem]:
        return [OrderedItem(line.product_id, line.quantity) for line in self.lines]

    # The log ------------------------------------------------------------------------------------------

    def note(self, outcome: str, now: datetime) -> None:
        """Log ``outcome`` at the current step; a repeat of the last entry only moves its time."""
        entry = LogEntry(self.step.value, outcome, now)
        if self.log and (self.log[-1].name, self.log[-1].outcome) == (entry.name, entry.outcome):
            self.log[-1] = entry
        else:
            self.log.append(entry)
            del self.log[:-LOG_MAX]
        self.updated_at = now

    def touch(self, now: datetime) -> None:
        """The sweeper took the saga up: it is not stalled again before another stall period."""
        self.updated_at = now

    def _move(self, step: Step, outcome: str, now: datetime) -> None:
        self.note(outcome, now)
        self.step = step
        self.seq += 1

    def _end(self, status: SagaStatus, outcome: str, now: datetime) -> None:
        self._move(Step.DONE, outcome, now)
        self.status = status
        self.payment_token = None

    def _expect(self, *steps: Step) -> None:
        if self.step not in steps:
            names = ", ".join(s.value for s in steps)
            raise Conflict(f"saga {self.id} is at {self.step.value}, not {names}")

    # Answers of the desks (applied only at the seq the call was made at) -------------------------------

    def stock_answered(self, reserved: bool, now: datetime) -> None:
        self._expect(Step.RESERVE_STOCK)
        if reserved:
            self._move(Step.AUTHORIZE_PAYMENT, "stock reserved", now)
        else:
            self._cancel_order("out of stock", now)

    def payment_answered(self, status: PaymentStatus, failure: str | None, now: datetime) -> None:
        self._expect(Step.AUTHORIZE_PAYMENT)
        if status is PaymentStatus.AUTHORIZED:
            self._authorized(now)
        elif status is PaymentStatus.DECLINED:
            self._cancel_order(f"payment declined: {failure or 'no reason given'}", now)
        elif status is PaymentStatus.FAILED:
            self._cancel_order("payment failed", now)
        else:
            self.note(f"payment {status.value}: waiting for the gateway", now)

    def order_confirmed(self, now: datetime) -> None:
        self._expect(Step.CONFIRM_ORDER)
        self._move(Step.AWAIT_SELLERS, "order confirmed: the sellers prepare it", now)

    def shipment_booked(self, shipment: ShipmentState, now: datetime) -> None:
        self._expect(Step.CREATE_SHIPMENT)
        booked = f"shipment {shipment.tracking_number} booked with {shipment.carrier}"
        # A repeat after a lost event may find the parcel already on its way.
        if shipment.status in PICKED_UP or shipment.status is ShipmentStatus.LOST:
            self.delivered_seen = self.delivered_seen or shipment.status is ShipmentStatus.DELIVERED
            self.lost_seen = self.lost_seen or shipment.status is ShipmentStatus.LOST
            self._move(Step.SETTLE_SHIPMENT, f"{booked}; the carrier has it ({shipment.status})", now)
        else:
            self._move(Step.AWAIT_PICKUP, booked, now)

    def shipment_refused(self, reason: str, now: datetime) -> None:
        """The carrier will not take the parcel: the order is cancelled, its payment voided, its stock back."""
        self._expect(Step.CREATE_SHIPMENT)
        self._cancel_order(f"the carrier cannot deliver this order: {reason}", now)

    def shipment_settled(self, now: datetime) -> None:
        self._expect(Step.SETTLE_SHIPMENT)
        done = "payment captured, stock committed, order shipped"
        if self.lost_seen:
            self._move(Step.REFUND_PAYMENT, done + "; the parcel is lost", now)
        elif self.delivered_seen:
            self._move(Step.MARK_DELIVERED, done + "; already delivered", now)
        else:
            self._move(Step.AWAIT_DELIVERY, done, now)

    def delivery_marked(self, now: datetime) -> None:
        self._expect(Step.MARK_DELIVERED)
        self._end(SagaStatus.COMPLETED, "order delivered", now)

    def refund_answered(self, status: PaymentStatus | None, now: datetime) -> None:
        self._expect(Step.REFUND_PAYMENT)
        if status is None or status in _SETTLED_REFUND:
            self._move(Step.MARK_REFUNDED, f"payment {status.value if status else 'absent'}: nothing to charge", now)
        else:
            self.note(f"payment {status.value}: waiting for the refund", now)

    def refund_marked(self, now: datetime) -> None:
        self._expect(Step.MARK_REFUNDED)
        status = SagaStatus.LOST_REFUNDED if self.kind is SagaKind.CHECKOUT else SagaStatus.COMPLETED
        self._end(status, f"order refunded ({self.amount})", now)

    def return_refused(self, now: datetime) -> None:
        self._expect(Step.REFUSE_RETURN)
        self._end(SagaStatus.FAILED, "return refused: the order is delivered again", now)

    def cancellation_sent(self, now: datetime) -> None:
        self._expect(Step.CANCEL_ORDER)
        self._move(Step.COMPENSATE, "order cancelled", now)

    def compensated(self, authorization_in_flight: bool, now: datetime) -> None:
        self._expect(Step.COMPENSATE)
        if authorization_in_flight:
            self._move(Step.AWAIT_VOID, "compensated; the authorization in flight is voided once it lands", now)
        else:
            self._end(SagaStatus.CANCELLED, "compensated: nothing is held or charged", now)

    def void_checked(self, status: PaymentStatus | None, now: datetime) -> None:
        self._expect(Step.AWAIT_VOID)
        if status is None or status in _NOTHING_TO_VOID:
            self._end(SagaStatus.CANCELLED, "the authorization came to nothing", now)
        elif status is PaymentStatus.AUTHORIZING:
            self.note("the authorization is still in flight", now)
        else:
            self._move(Step.COMPENSATE, f"the authorization landed ({status.value}): voiding it", now)

    def attempt_failed(self, error: str, now: datetime) -> None:
        """A desk call raised: the saga stays at its step, and the sweeper repeats it later."""
        self.note(f"failed, to be repeated: {error}", now)

    def _authorized(self, now: datetime) -> None:
        self.payment_token = None
        self._move(Step.CONFIRM_ORDER, "payment authorized", now)

    def _cancel_order(self, reason: str, now: datetime) -> None:
        self.reason = reason
        self.payment_token = None
        self._move(Step.CANCEL_ORDER, reason, now)

    # Events of other contexts -----------------------------------------------------------------------

    def hear(
        self, signal: Signal, now: datetime, *, reason: str = "", operation: str = "", declined: bool = False
    ) -> bool:
        """Apply what another context reports; False (nothing changes) when it is stale or not this saga's."""
        if self.ended:
            return False
        if self.kind is SagaKind.REFUND:
            return self._hear_refund(signal, now, reason, operation)
        step = self.step
        if signal is Signal.PAYMENT_AUTHORIZED:
            if step is Step.AUTHORIZE_PAYMENT:
                self._authorized(now)
            elif step is Step.AWAIT_VOID:
                self._move(Step.COMPENSATE, "the authorization landed: voiding it", now)
            else:
                return False
        elif signal is Signal.PAYMENT_FAILED and operation == "authorize":
            if step is Step.AUTHORIZE_PAYMENT:
                self._cancel_order(f"payment declined: {reason}" if declined else "payment failed", now)
            elif step is Step.AWAIT_VOID:
                self._end(SagaStatus.CANCELLED, "the authorization failed: nothing to void", now)
            else:
                return False
        elif signal is Signal.PAYMENT_FAILED and step is Step.REFUND_PAYMENT and operation in ("refund", "void"):
            self.reason = f"the refund of the lost parcel failed: {reason}"
            self._end(SagaStatus.FAILED, self.reason, now)
        elif signal is Signal.PAYMENT_FAILED:
            self.note(f"payment {operation} failed: {reason}", now)
        elif signal is Signal.PAYMENT_REFUNDED and step is Step.REFUND_PAYMENT:
            self._move(Step.MARK_REFUNDED, "payment refunded", now)
        elif signal is Signal.ORDER_READY_TO_SHIP and step in (Step.CONFIRM_ORDER, Step.AWAIT_SELLERS):
            self.shipment_requested = True
            self._move(Step.CREATE_SHIPMENT, "every line is ready to ship", now)
        elif signal is Signal.PARCEL_PICKED_UP and step in _BEFORE_PICKUP:
            self._move(Step.SETTLE_SHIPMENT, "the carrier has the parcel", now)
        elif signal is Signal.PARCEL_DELIVERED:
            return self._hear_delivered(now)
        elif signal is Signal.PARCEL_LOST:
            return self._hear_lost(now)
        elif signal is Signal.ORDER_CANCELLED:
            return self._hear_cancelled(reason, now)
        else:
            return False
        return True

    def _hear_delivered(self, now: datetime) -> bool:
        if self.step is Step.AWAIT_DELIVERY:
            self._move(Step.MARK_DELIVERED, "parcel delivered", now)
        elif self.step in _BEFORE_PICKUP:
            self.delivered_seen = True
            self._move(Step.SETTLE_SHIPMENT, "parcel delivered before the saga saw it leave", now)
        elif self.step is Step.SETTLE_SHIPMENT and not self.delivered_seen:
            self.delivered_seen = True
            self.note("parcel delivered", now)
        else:
            return False
        return True

    def _hear_lost(self, now: datetime) -> bool:
        # A parcel lost before the shipment was settled is settled first: its stock left, its money is
        # taken, then all of it is given back; so the books add up whatever the order of events.
        if self.step is Step.AWAIT_DELIVERY:
            self._move(Step.REFUND_PAYMENT, "parcel lost", now)
        elif self.step in _BEFORE_PICKUP:
            self.lost_seen = True
            self._move(Step.SETTLE_SHIPMENT, "parcel lost", now)
        elif self.step is Step.SETTLE_SHIPMENT and not self.lost_seen:
            self.lost_seen = True
            self.note("parcel lost", now)
        else:
            return False
        return True

    def _hear_cancelled(self, reason: str, now: datetime) -> bool:
        if self.step is Step.RESERVE_STOCK:
            # Nothing is held yet; a reservation that lands later is released by whoever sees it land.
            self.reason = reason
            self._end(SagaStatus.CANCELLED, f"order cancelled before stock was reserved: {reason}", now)
        elif self.step in _CANCELLABLE:
            self.reason = self.reason or reason
            self.payment_token = None
            self._move(Step.COMPENSATE, f"order cancelled: {reason}", now)
        else:
            return False
        return True

    def _hear_refund(self, signal: Signal, now: datetime, reason: str, operation: str) -> bool:
        if self.step is not Step.REFUND_PAYMENT:
            return False
        if signal is Signal.PAYMENT_REFUNDED:
            self._move(Step.MARK_REFUNDED, "payment refunded", now)
        elif signal is Signal.PAYMENT_FAILED and operation in ("refund", "void"):
            self.reason = f"the refund failed: {reason}"
            self._move(Step.REFUSE_RETURN, self.reason, now)
        else:
            return False
        return True


def list_position(saga: Saga) -> list[str]:
    """The keyset cursor of the admin's list of sagas: (created_at, id), oldest first."""
    return moment_key(saga.created_at, saga.id)
