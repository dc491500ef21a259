"""``ports.checkout.OrderDesk``: how the orchestrator's sagas move orders on.

Every call is idempotent on the order id: an order already in the target status is left alone, so a
saga repeating a step after a crash or a redelivered event changes nothing twice. A move the state machine
forbids is a ``Conflict``. Each call opens a unit of work of its own (from ``orders``, a factory), so one
desk serves any number of concurrent sagas; a call that lost a race with another change of the same order
(the customer cancelling, say) reads the order again and decides anew.
"""

from __future__ import annotations

from collections.abc import Callable

from core.orders.model import SYSTEM, Order, OrderStatus
from core.shared.errors import ChangedMeanwhile, NotFound
from core.shared.money import Money
from ports.orders import OrdersUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory

Move = Callable[[Order], None]
ATTEMPTS = 5


class OrdersForSagas:
    def __init__(self, orders: UnitOfWorkFactory[OrdersUnitOfWork], clock: Clock) -> None:
        self.orders, self.clock = orders, clock

    async def _move(self, order_id: str, target: OrderStatus, move: Move) -> None:
        for attempt in range(ATTEMPTS):
            async with self.orders() as uow:
                order = await uow.orders.get(order_id)
                if order is None:
                    raise NotFound(f"no order {order_id}")
                if order.status is target:
                    return
                move(order)
                try:
                    await uow.orders.update(order)
                    await uow.commit()
                except ChangedMeanwhile:
                    if attempt == ATTEMPTS - 1:
                        raise
                    continue
                return

    async def await_payment(self, order_id: str) -> None:
        await self._move(order_id, OrderStatus.AWAITING_PAYMENT, lambda o: o.await_payment(self.clock.now()))

    async def confirm(self, order_id: str) -> None:
        await self._move(order_id, OrderStatus.PAID, lambda o: o.confirm(self.clock.now()))

    async def mark_shipped(self, order_id: str) -> None:
        await self._move(order_id, OrderStatus.SHIPPED, lambda o: o.ship(self.clock.now()))

    async def mark_delivered(self, order_id: str) -> None:
        await self._move(order_id, OrderStatus.DELIVERED, lambda o: o.deliver(self.clock.now()))

    async def cancel(self, order_id: str, reason: str) -> None:
        await self._move(order_id, OrderStatus.CANCELLED, lambda o: o.cancel(reason, SYSTEM, self.clock.now()))

    async def mark_refunded(self, order_id: str, amount: Money) -> None:
        await self._move(order_id, OrderStatus.REFUNDED, lambda o: o.refund(amount, self.clock.now()))

    async def refuse_return(self, order_id: str, reason: str) -> None:
        await self._move(order_id, OrderStatus.DELIVERED, lambda o: o.refuse_return(reason, self.clock.now()))
