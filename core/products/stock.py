"""Stock: the units of a product on hand, and what orders hold of them.

A ``StockItem`` is one product's stock: the units on hand and, per order id, the units reserved for that
order; ``available`` (on hand minus reserved) is what can still be sold, and never goes below zero.

A ``StockReservation`` is one order's claim across its lines, all or nothing::

    (reserve) --every line can be had--> reserved --release--> released
        \\                                    \\--commit--> committed (the order shipped: the units leave)
         \\--a line is short--> failed (holds nothing; names each line that could not be had in full)

The order id is the reservation's identity: a reservation once made is never made again, so a repeated
reserve, release or commit of the same order changes nothing. The item's per-order holds are the lines of
the reservations still ``reserved``; both aggregates change together, in one unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

import attrs

from core.products.events import (
    StockChanged,
    StockCommitted,
    StockLine,
    StockReleased,
    StockReservationFailed,
    StockReserved,
)
from core.shared.errors import Conflict
from core.shared.events import Aggregate

MAX_ON_HAND = 1_000_000
MAX_ORDER_LINES = 100
ORDER_ID_MAX = 64


class ReservationState(StrEnum):
    RESERVED = "reserved"
    FAILED = "failed"
    RELEASED = "released"
    COMMITTED = "committed"


@attrs.define
class StockItem(Aggregate):
    product_id: str
    seller_id: str
    on_hand: int
    reservations: dict[str, int]  # order id -> units held for that order
    updated_at: datetime

    @classmethod
    def empty(cls, product_id: str, seller_id: str, now: datetime) -> StockItem:
        """A product's stock before its seller counted any: nothing on hand, nothing reserved."""
        return cls(product_id, seller_id, 0, {}, now)

    @property
    def reserved(self) -> int:
        return sum(self.reservations.values())

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def set_on_hand(self, quantity: int, now: datetime) -> None:
        if quantity < self.reserved:
            raise Conflict(
                f"{self.reserved} units of this product are reserved for orders: the stock cannot be set below that"
            )
        if quantity == self.on_hand:
            return
        self.on_hand = quantity
        self._changed(now)

    def can_supply(self, quantity: int) -> bool:
        return quantity <= self.available

    def reserve(self, order_id: str, quantity: int, now: datetime) -> None:
        if order_id in self.reservations:
            raise Conflict(f"order {order_id} already holds units of this product")
        if not self.can_supply(quantity):
            raise Conflict(f"only {self.available} units of this product are available")
        self.reservations[order_id] = quantity
        self._changed(now)

    def release(self, order_id: str, now: datetime) -> None:
        """The units held for the order are available again."""
        if self.reservations.pop(order_id, 0):
            self._changed(now)

    def commit(self, order_id: str, now: datetime) -> None:
        """The units held for the order leave for good; what is available stays as it was."""
        quantity = self.reservations.pop(order_id, 0)
        if quantity:
            self.on_hand -= quantity
            self.updated_at = now

    def _changed(self, now: datetime) -> None:
        self.updated_at = now
        self.record(StockChanged(occurred_at=now, product_id=self.product_id, available=self.available))


def same_lines(first: Sequence[StockLine], second: Sequence[StockLine]) -> bool:
    """Whether two orders ask for the same units, whatever the order of their lines."""
    return sorted(first, key=lambda line: line.product_id) == sorted(second, key=lambda line: line.product_id)


@attrs.define
class StockReservation(Aggregate):
    order_id: str
    lines: list[StockLine]  # what the order asked for, in its order; product ids are unique
    state: ReservationState
    unavailable: list[StockLine]  # a failed reservation's lines that could not be had in full
    created_at: datetime
    updated_at: datetime

    @classmethod
    def place(
        cls, order_id: str, lines: Sequence[StockLine], items: Mapping[str, StockItem], now: datetime
    ) -> StockReservation:
        """Reserve every line on its item (``items`` by product id; a product without one has no stock), or none."""
        short = [
            line for line in lines if (item := items.get(line.product_id)) is None or not item.can_supply(line.quantity)
        ]
        if short:
            failed = cls(order_id, list(lines), ReservationState.FAILED, short, now, now)
            failed.record(StockReservationFailed(occurred_at=now, order_id=order_id, unavailable=list(short)))
            return failed
        for line in lines:
            items[line.product_id].reserve(order_id, line.quantity, now)
        reservation = cls(order_id, list(lines), ReservationState.RESERVED, [], now, now)
        reservation.record(StockReserved(occurred_at=now, order_id=order_id, lines=list(lines)))
        return reservation

    @property
    def product_ids(self) -> list[str]:
        return sorted(line.product_id for line in self.lines)

    def release(self, items: Mapping[str, StockItem], now: datetime) -> bool:
        """Give the held units back; False when there was nothing to give (released before, or failed)."""
        if self.state is ReservationState.COMMITTED:
            raise Conflict(f"order {self.order_id} shipped: its committed stock cannot be released")
        if self.state is not ReservationState.RESERVED:
            return False
        for line in self.lines:
            items[line.product_id].release(self.order_id, now)
        self._move(ReservationState.RELEASED, now)
        self.record(StockReleased(occurred_at=now, order_id=self.order_id, lines=list(self.lines)))
        return True

    def commit(self, items: Mapping[str, StockItem], now: datetime) -> bool:
        """The held units leave stock for good; False when they already had."""
        if self.state is ReservationState.COMMITTED:
            return False
        if self.state is not ReservationState.RESERVED:
            raise Conflict(f"order {self.order_id} holds no stock to commit (its reservation is {self.state.value})")
        for line in self.lines:
            items[line.product_id].commit(self.order_id, now)
        self._move(ReservationState.COMMITTED, now)
        self.record(StockCommitted(occurred_at=now, order_id=self.order_id, lines=list(self.lines)))
        return True

    def _move(self, state: ReservationState, now: datetime) -> None:
        self.state = state
        self.updated_at = now
