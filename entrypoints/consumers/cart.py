"""The cart context's consumer: a deleted account's cart goes with it (user carts never expire), and a
placed order takes what it bought out of the customer's cart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.auth.events import AccountDeleted
from core.cart.commands import ForgetUserCart
from core.cart.ordered import ForgetOrderedLines, OrderedLines
from core.cart.use_cases import DeleteUserCart
from core.orders.events import OrderPlaced
from entrypoints.consumers.inbox import idempotent
from ports.checkout import OrderedItem
from ports.shared import EventSubscriber

if TYPE_CHECKING:
    from config.runtime import Runtime

GROUP = "cart"


def subscribe(bus: EventSubscriber, runtime: Runtime) -> None:
    async def on_deleted(event: AccountDeleted) -> None:
        await runtime.resolve(DeleteUserCart)(ForgetUserCart(event.user_id))

    bus.subscribe(GROUP, AccountDeleted, idempotent(GROUP, runtime.inbox(GROUP), on_deleted))

    async def on_ordered(event: OrderPlaced) -> None:
        items = [OrderedItem(line.product_id, line.quantity) for line in event.lines]
        await runtime.resolve(ForgetOrderedLines)(OrderedLines(event.customer_id, items))

    bus.subscribe(GROUP, OrderPlaced, idempotent(GROUP, runtime.inbox(GROUP), on_ordered))
