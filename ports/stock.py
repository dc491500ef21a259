"""What the stock of the products context needs from the outside world.

The two repositories share one unit of work, and so one transaction: a reservation and the items it
holds units of always change together. An item's per-order holds (``StockItem.reservations``) are the
lines of the reservations still ``reserved``: they are stored through ``ReservationRepository`` and read
back with the item; ``StockRepository`` stores what else an item has (on hand, its seller).

Concurrency: ``lock`` (on either repository) keeps what it returns to this unit of work until it ends,
so two orders never reserve the same last unit, and two deliveries of one order never reserve twice.
Lock an order before its items, and items in product id order (``StockRepository.lock`` does), and no
two units of work ever wait for each other in a circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.products.stock import StockItem, StockReservation


class StockRepository(Protocol):
    async def get(self, product_id: str) -> StockItem | None:
        """The product's stock as last committed, without locking it; None if it was never set."""
        ...

    async def lock(self, product_ids: Sequence[str]) -> dict[str, StockItem]:
        """The stock of each product that has one, locked (in product id order) until the unit of work ends."""
        ...

    async def add(self, item: StockItem) -> None:
        """Store a product's first stock; raise ``Conflict`` if the product has one already."""
        ...

    async def update(self, item: StockItem) -> None: ...


class ReservationRepository(Protocol):
    async def lock(self, order_id: str) -> StockReservation | None:
        """The order's reservation (None if it has none yet), the order locked until the unit of work ends."""
        ...

    async def add(self, reservation: StockReservation) -> None:
        """Store an order's reservation; raise ``Conflict`` if the order has one already."""
        ...

    async def update(self, reservation: StockReservation) -> None: ...


class StockUnitOfWork(UnitOfWork, Protocol):
    stock: StockRepository
    reservations: ReservationRepository
