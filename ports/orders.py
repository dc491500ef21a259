"""What the orders context needs from the outside world (the cart, the address book and the catalogue
it reads come from ports.checkout and ports.catalog)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.orders.model import Order, OrderStatus


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None:
        """Store a new order; raise ``DuplicateCheckout`` when the customer already has an order with its
        idempotency key (at once, or at commit when a concurrent checkout committed it first)."""
        ...

    async def get(self, order_id: str) -> Order | None: ...

    async def by_idempotency_key(self, customer_id: str, idempotency_key: str) -> Order | None: ...

    async def update(self, order: Order) -> None:
        """Store the changes and bump ``order.version``; raise ``ChangedMeanwhile`` if someone else changed
        the order since it was read."""
        ...

    async def list_for_customer(self, customer_id: str, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        """The customer's orders (of one status, or all), newest first: by (placed_at, id) descending."""
        ...

    async def list_for_seller(self, seller_id: str, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        """Orders with a line of the seller's that were ever paid, newest first (as list_for_customer)."""
        ...

    async def list_all(self, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        """Every order (of one status, or all), newest first."""
        ...


class OrdersUnitOfWork(UnitOfWork, Protocol):
    orders: OrderRepository
