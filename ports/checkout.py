"""Ports between the contexts on the path from a cart to a delivered parcel.

The orders context reads the customer's cart and address book through ``CartContents`` and
``AddressBook``. The orchestrator's sagas command the other contexts through the four desks; each desk is
implemented by its own context (in-process now, over the network later) and every call is idempotent on
the order id, so a saga that repeats a step after a crash or a redelivery changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.shared.addresses import PostalAddress
from core.shared.errors import Conflict
from core.shared.money import Money


@dataclass(frozen=True)
class OrderedItem:
    product_id: str
    quantity: int


class CartContents(Protocol):
    async def lines(self, user_id: str) -> list[OrderedItem]:
        """The lines of the user's cart as they stand (product and quantity); [] for no cart."""
        ...


class AddressBook(Protocol):
    async def address(self, user_id: str, address_id: str) -> PostalAddress | None:
        """The user's address with this id, or None when they have no such address (another user's
        address is None too)."""
        ...


class StockDesk(Protocol):
    async def reserve(self, order_id: str, items: Sequence[OrderedItem]) -> bool:
        """Reserve every item for the order, all or nothing. True when reserved (now or by an earlier
        call), False when some item is short (then nothing is reserved)."""
        ...

    async def release(self, order_id: str) -> None:
        """Give back what the order reserved; harmless when nothing was, or it was released already."""
        ...

    async def commit(self, order_id: str) -> None:
        """The reserved units left the warehouse: on hand goes down by them. Harmless when repeated."""
        ...


class PaymentStatus(StrEnum):
    # In flight: a gateway call is under way, or failed and the payment error worker retries it.
    AUTHORIZING = "authorizing"
    CAPTURING = "capturing"
    VOIDING = "voiding"
    REFUNDING = "refunding"
    # Settled.
    AUTHORIZED = "authorized"
    DECLINED = "declined"
    FAILED = "failed"  # the authorization failed for good (not a decline: the gateway kept failing)
    CAPTURED = "captured"
    VOIDED = "voided"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class PaymentState:
    payment_id: str
    order_id: str
    status: PaymentStatus
    amount: Money
    captured: Money | None
    refunded: Money | None
    failure: str | None  # why the last operation failed (a decline's reason, or the gateway's error)


class PaymentDesk(Protocol):
    async def authorize(self, order_id: str, customer_id: str, amount: Money, payment_token: str) -> PaymentState:
        """Authorize the order's payment (one per order). A repeat returns the payment as it stands.
        AUTHORIZED, DECLINED, or AUTHORIZING when the gateway did not answer (PaymentAuthorized or
        PaymentFailed follows, from the payment error worker or the gateway's webhook)."""
        ...

    async def capture(self, order_id: str) -> PaymentState:
        """Take the authorized money: CAPTURED, or CAPTURING while the error worker retries."""
        ...

    async def void(self, order_id: str) -> PaymentState | None:
        """Let the authorization go (nothing is charged): VOIDED or VOIDING. A captured payment is
        refunded instead. None when the order has no payment."""
        ...

    async def refund(self, order_id: str) -> PaymentState | None:
        """Give the captured money back: REFUNDED or REFUNDING; an authorized payment not captured yet
        is voided instead. None when the order has no payment."""
        ...

    async def state(self, order_id: str) -> PaymentState | None: ...


class OrderDesk(Protocol):
    """Each call moves the order on, and is a no-op when the order is already there. A transition the
    state machine forbids (shipping a cancelled order, say) raises ``Conflict``."""

    async def await_payment(self, order_id: str) -> None: ...

    async def confirm(self, order_id: str) -> None:
        """The payment is authorized: the order is paid."""
        ...

    async def mark_shipped(self, order_id: str) -> None: ...

    async def mark_delivered(self, order_id: str) -> None: ...

    async def cancel(self, order_id: str, reason: str) -> None:
        """The system cancels the order (out of stock, payment declined...)."""
        ...

    async def mark_refunded(self, order_id: str, amount: Money) -> None: ...

    async def refuse_return(self, order_id: str, reason: str) -> None:
        """The refund of a return failed for good: the order is delivered again, with the reason."""
        ...


class ShipmentRefused(Conflict):
    """The carrier will not take the parcel (an address it does not serve): asking again will not help."""


class ShipmentStatus(StrEnum):
    """Where the parcel is. The logistics context moves it; the sagas read it."""

    ACCEPTED = "accepted"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    LOST = "lost"
    CANCELLED = "cancelled"

    @property
    def on_the_way(self) -> bool:
        """Not delivered, lost or cancelled: the shipment may still move."""
        return self not in (ShipmentStatus.DELIVERED, ShipmentStatus.LOST, ShipmentStatus.CANCELLED)


@dataclass(frozen=True)
class ShipmentState:
    shipment_id: str
    order_id: str
    status: ShipmentStatus
    carrier: str
    tracking_number: str


class ShippingDesk(Protocol):
    async def create(
        self, order_id: str, customer_id: str, address: PostalAddress, items: Sequence[OrderedItem]
    ) -> ShipmentState:
        """Book the order's parcel with the carrier (one shipment per order; a repeat returns it).
        Raises ``Unavailable`` when the carrier cannot be reached (the saga tries again later), and
        ``ShipmentRefused`` when it will not take the parcel."""
        ...

    async def cancel(self, order_id: str) -> bool:
        """Call the parcel off: True when it is cancelled (or the order has no shipment), False when it is
        too late (the carrier has it)."""
        ...
