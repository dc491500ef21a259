"""A payment: one per order, moved through the gateway's operations.

Each operation is first committed as in flight (AUTHORIZING, CAPTURING, VOIDING, REFUNDING), then the
gateway is called, then its outcome is committed with its event. An outcome that never came (the gateway
timed out or failed) leaves the payment in flight with ``next_attempt_at`` set: the payment error worker
reconciles it (the gateway may have done it) or repeats the call, backing off, up to a limit. While a
call is under way ``next_attempt_at`` is a lease, so a worker does not repeat a call that may still come
back. The life of a payment::

    authorizing -> authorized | declined | failed
    authorized  -> capturing -> captured    (failing for good: back to authorized)
    authorized  -> voiding   -> voided      (failing for good: back to authorized)
    captured    -> refunding -> refunded    (failing for good: back to captured)

Every other move is refused with ``Conflict``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import attrs

from core.payments.events import PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentRefunded, PaymentVoided
from core.shared.errors import Conflict
from core.shared.events import Aggregate
from core.shared.money import Money
from core.shared.pagination import moment_key
from ports.checkout import PaymentState, PaymentStatus
from ports.payment_gateway import GatewayAuthorization, GatewayOperation, GatewayOutcome, GatewayStatus

HISTORY_MAX = 20
TOKEN_MAX = 200
ERROR_MAX = 500


class Operation(StrEnum):
    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"


# The in-flight status of each operation, the settled status it starts from, and where it ends.
IN_FLIGHT: dict[Operation, PaymentStatus] = {
    Operation.AUTHORIZE: PaymentStatus.AUTHORIZING,
    Operation.CAPTURE: PaymentStatus.CAPTURING,
    Operation.VOID: PaymentStatus.VOIDING,
    Operation.REFUND: PaymentStatus.REFUNDING,
}
OPERATION_OF: dict[PaymentStatus, Operation] = {status: op for op, status in IN_FLIGHT.items()}
STARTS_FROM: dict[Operation, PaymentStatus] = {
    Operation.CAPTURE: PaymentStatus.AUTHORIZED,
    Operation.VOID: PaymentStatus.AUTHORIZED,
    Operation.REFUND: PaymentStatus.CAPTURED,
}
SUCCEEDS_AS: dict[Operation, GatewayStatus] = {
    Operation.AUTHORIZE: GatewayStatus.AUTHORIZED,
    Operation.CAPTURE: GatewayStatus.CAPTURED,
    Operation.VOID: GatewayStatus.VOIDED,
    Operation.REFUND: GatewayStatus.REFUNDED,
}


@attrs.frozen
class RetryPolicy:
    """How the payment error worker retries: the n-th failed attempt waits base * 2**(n-1), at most
    ``cap_seconds``; after ``limit`` failed attempts the operation fails for good. ``lease_seconds`` is how
    long a call under way is left alone before a worker may take it over (its caller may have died)."""

    limit: int = 5
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0
    lease_seconds: float = 120.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1)))

    def lease(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.lease_seconds)


@attrs.frozen
class HistoryEntry:
    at: datetime
    status: PaymentStatus
    note: str | None = None


def operation_key(payment_id: str, operation: Operation) -> str:
    """The gateway idempotency key of one operation: every retry of it reuses the key."""
    return f"{payment_id}:{operation.value}"


def _short(text: str) -> str:
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


@attrs.define
class Payment(Aggregate):
    id: str
    order_id: str
    customer_id: str
    amount: Money
    # The gateway's token for the customer's card, kept to repeat an authorization; never card data.
    payment_token: str = attrs.field(repr=False)
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime
    captured: Money | None = None
    refunded: Money | None = None
    authorization_id: str | None = None
    attempts: int = 0  # failed attempts of the operation in flight
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    failure: str | None = None  # why the last operation failed (a decline's reason, or the gateway's error)
    history: list[HistoryEntry] = attrs.Factory(list)
    version: int = 0

    @classmethod
    def start(
        cls,
        payment_id: str,
        order_id: str,
        customer_id: str,
        amount: Money,
        payment_token: str,
        now: datetime,
        lease_until: datetime,
    ) -> Payment:
        """A new payment, its authorization in flight (committed before the gateway is called)."""
        payment = cls(
            id=payment_id,
            order_id=order_id,
            customer_id=customer_id,
            amount=amount,
            payment_token=payment_token,
            status=PaymentStatus.AUTHORIZING,
            created_at=now,
            updated_at=now,
            next_attempt_at=lease_until,
        )
        payment._note(now, None)
        return payment

    # --- reading -----------------------------------------------------------------------------

    @property
    def operation(self) -> Operation | None:
        """The operation in flight, if any."""
        return OPERATION_OF.get(self.status)

    def key(self, operation: Operation) -> str:
        return operation_key(self.id, operation)

    def state(self) -> PaymentState:
        return PaymentState(
            payment_id=self.id,
            order_id=self.order_id,
            status=self.status,
            amount=self.amount,
            captured=self.captured,
            refunded=self.refunded,
            failure=self.failure,
        )

    # --- moves ---------------------------------------------------------------------------------

    def _note(self, now: datetime, note: str | None) -> None:
        self.updated_at = now
        self.history = [*self.history, HistoryEntry(now, self.status, note)][-HISTORY_MAX:]

    def begin(self, operation: Operation, now: datetime, lease_until: datetime) -> None:
        """Put ``operation`` in flight (committed before the gateway is called)."""
        start = STARTS_FROM.get(operation)
        if start is None or self.status is not start:
            raise Conflict(f"a {self.status.value} payment cannot {operation.value}")
        self.status = IN_FLIGHT[operation]
        self.attempts, self.last_error, self.failure = 0, None, None
        self.next_attempt_at = lease_until
        self._note(now, None)

    def claim(self, lease_until: datetime) -> None:
        """A worker takes the operation in flight: nobody else repeats it before ``lease_until``."""
        if self.operation is None:
            raise Conflict(f"a {self.status.value} payment has no operation in flight")
        self.next_attempt_at = lease_until

    def settle(self, outcome: GatewayOutcome, now: datetime) -> bool:
        """Apply the gateway's answer to the operation in flight; False (and no change) when the answer is
        not one of it (an old webhook, say)."""
        operation = self.operation
        if operation is None:
            return False
        if operation is Operation.AUTHORIZE and isinstance(outcome, GatewayAuthorization):
            if outcome.status is GatewayStatus.AUTHORIZED:
                self._authorized(outcome.id, now)
                return True
            if outcome.status is GatewayStatus.DECLINED:
                self._declined(outcome, now)
                return True
            return False
        if isinstance(outcome, GatewayOperation) and outcome.status is SUCCEEDS_AS[operation]:
            if self.authorization_id is not None and outcome.authorization_id != self.authorization_id:
                return False
            self._succeeded(operation, now)
            return True
        return False

    def _done(self, status: PaymentStatus, now: datetime, note: str | None = None) -> None:
        self.status = status
        self.next_attempt_at = None
        self.attempts, self.last_error = 0, None
        self._note(now, note)

    def _authorized(self, authorization_id: str, now: datetime) -> None:
        self.authorization_id = authorization_id
        self._done(PaymentStatus.AUTHORIZED, now)
        self.record(PaymentAuthorized(occurred_at=now, payment_id=self.id, order_id=self.order_id, amount=self.amount))

    def _declined(self, outcome: GatewayAuthorization, now: datetime) -> None:
        reason = outcome.decline_code or "declined"
        self.authorization_id = outcome.id or None
        self.failure = _short(reason if not outcome.message else f"{reason}: {outcome.message}")
        self._done(PaymentStatus.DECLINED, now, self.failure)
        self.record(
            PaymentFailed(
                occurred_at=now,
                payment_id=self.id,
                order_id=self.order_id,
                operation=Operation.AUTHORIZE.value,
                reason=reason,
                declined=True,
            )
        )

    def _succeeded(self, operation: Operation, now: datetime) -> None:
        ids = {"payment_id": self.id, "order_id": self.order_id}
        if operation is Operation.CAPTURE:
            self.captured = self.amount
            self._done(PaymentStatus.CAPTURED, now)
            self.record(PaymentCaptured(occurred_at=now, amount=self.amount, **ids))
        elif operation is Operation.VOID:
            self._done(PaymentStatus.VOIDED, now)
            self.record(PaymentVoided(occurred_at=now, **ids))
        elif operation is Operation.REFUND:
            refunded = self.captured or self.amount
            self.refunded = refunded
            self._done(PaymentStatus.REFUNDED, now)
            self.record(PaymentRefunded(occurred_at=now, amount=refunded, **ids))

    def attempt_failed(self, error: str, now: datetime, policy: RetryPolicy) -> bool:
        """A call of the operation in flight got no answer. True when that was the last attempt allowed
        (the operation then failed for good), False when it waits for its next attempt."""
        if self.operation is None:
            raise Conflict(f"a {self.status.value} payment has no operation in flight")
        self.attempts += 1
        self.last_error = _short(error)
        if self.attempts >= policy.limit:
            self.give_up(f"the gateway kept failing ({self.attempts} attempts): {error}", now)
            return True
        self.next_attempt_at = now + policy.delay(self.attempts)
        self._note(now, f"attempt {self.attempts} failed: {self.last_error}")
        return False

    def give_up(self, reason: str, now: datetime) -> None:
        """The operation in flight failed for good: an authorization is failed; any other operation goes
        back to the settled status it started from, the failure noted."""
        operation = self.operation
        if operation is None:
            raise Conflict(f"a {self.status.value} payment has no operation in flight")
        self.failure = _short(reason)
        back = STARTS_FROM.get(operation, PaymentStatus.FAILED)
        self.status = back
        self.next_attempt_at = None
        self._note(now, self.failure)
        self.record(
            PaymentFailed(
                occurred_at=now,
                payment_id=self.id,
                order_id=self.order_id,
                operation=operation.value,
                reason=self.failure,
                declined=False,
            )
        )


def list_position(payment: Payment) -> list[str]:
    """The keyset cursor of the admin's list of payments: (created_at, id), newest first."""
    return moment_key(payment.created_at, payment.id)
