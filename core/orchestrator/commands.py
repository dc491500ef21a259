"""Commands and views of the orchestrator use cases.

The consumers turn other contexts' events into these commands, so the orchestrator's core knows no other
context's classes.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from core.orchestrator.model import SagaKind, SagaLine, SagaStatus, Signal, Step
from core.shared.addresses import PostalAddress
from core.shared.money import Money
from core.shared.pagination import PageRequest
from core.shared.security import Principal


@attrs.frozen(kw_only=True)
class BeginCheckout:
    """Runs on orders.OrderPlaced."""

    order_id: str
    customer_id: str
    lines: list[SagaLine]
    total: Money
    address: PostalAddress
    payment_token: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class BeginRefund:
    """Runs on orders.ReturnRequested."""

    order_id: str
    customer_id: str
    amount: Money


@attrs.frozen(kw_only=True)
class Notify:
    """Another context reports on an order: its sagas move on if the news concerns them."""

    order_id: str
    signal: Signal
    reason: str = ""
    operation: str = ""  # of a payment failure: authorize, capture, void or refund
    declined: bool = False


@attrs.frozen
class ResumeStalled:
    """One pass of the saga sweeper: at most ``limit`` sagas untouched for ``stall_seconds``."""

    stall_seconds: int
    limit: int = 100


@attrs.frozen
class ListSagas:
    principal: Principal
    kind: SagaKind | None = None
    status: SagaStatus | None = None
    page: PageRequest = attrs.Factory(PageRequest)


@attrs.frozen
class GetSaga:
    principal: Principal
    saga_id: str


@attrs.frozen
class SagaLogEntry:
    name: str
    outcome: str
    at: datetime


@attrs.frozen
class SagaSummary:
    saga_id: str
    kind: SagaKind
    status: SagaStatus
    step: Step
    order_id: str
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class SagaView:
    """What an admin sees of one saga: where it is, why it ended as it did, and what it did."""

    saga_id: str
    kind: SagaKind
    status: SagaStatus
    step: Step
    order_id: str
    customer_id: str
    amount: Money
    reason: str | None
    log: list[SagaLogEntry]
    created_at: datetime
    updated_at: datetime
