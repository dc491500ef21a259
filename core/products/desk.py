"""The stock desk of the orchestrator's sagas (``ports.checkout.StockDesk``) over the stock use cases.

Each call takes the order id as its idempotency key, as the use cases do, so a saga that repeats a step
changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.products.commands import CommitForOrder, ReleaseForOrder, ReserveForOrder
from core.products.events import StockLine
from core.products.stock import ReservationState
from core.products.use_cases.stock import CommitStock, ReleaseStock, ReserveStock
from ports.checkout import OrderedItem

# A reservation that held its units (and may have shipped them since) answers "reserved" again.
_HELD = frozenset({ReservationState.RESERVED, ReservationState.COMMITTED})


class StockForSagas:
    def __init__(self, reserve: ReserveStock, release: ReleaseStock, commit: CommitStock) -> None:
        self._reserve, self._release, self._commit = reserve, release, commit

    async def reserve(self, order_id: str, items: Sequence[OrderedItem]) -> bool:
        lines = [StockLine(item.product_id, item.quantity) for item in items]
        reservation = await self._reserve(ReserveForOrder(order_id, lines))
        return reservation.state in _HELD

    async def release(self, order_id: str) -> None:
        await self._release(ReleaseForOrder(order_id))

    async def commit(self, order_id: str) -> None:
        await self._commit(CommitForOrder(order_id))
