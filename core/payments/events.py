"""Events of the payments context. The checkout and refund sagas follow them; a payment is keyed by its
order (one payment per order), so an order's payment events keep their order."""

from __future__ import annotations

import attrs

from core.shared.events import Event, domain_event
from core.shared.money import Money


@domain_event("payments.PaymentAuthorized.v1", key="order_id")
@attrs.frozen(kw_only=True)
class PaymentAuthorized(Event):
    payment_id: str
    order_id: str
    amount: Money


@domain_event("payments.PaymentCaptured.v1", key="order_id")
@attrs.frozen(kw_only=True)
class PaymentCaptured(Event):
    payment_id: str
    order_id: str
    amount: Money


@domain_event("payments.PaymentVoided.v1", key="order_id")
@attrs.frozen(kw_only=True)
class PaymentVoided(Event):
    payment_id: str
    order_id: str


@domain_event("payments.PaymentRefunded.v1", key="order_id")
@attrs.frozen(kw_only=True)
class PaymentRefunded(Event):
    payment_id: str
    order_id: str
    amount: Money


@domain_event("payments.PaymentFailed.v1", key="order_id")
@attrs.frozen(kw_only=True)
class PaymentFailed(Event):
    """A gateway operation ("authorize", "capture", "void" or "refund") failed for good: ``declined`` when
    the gateway said no (a declined card), otherwise the gateway kept failing until the retry limit."""

    payment_id: str
    order_id: str
    operation: str
    reason: str
    declined: bool
