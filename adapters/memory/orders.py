"""In-memory adapters of the orders ports; behave exactly as ``adapters.postgres.orders``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from adapters.memory.store import MemoryTable, MemoryTransaction
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.orders.model import DuplicateCheckout, Order, OrderStatus, list_position
from core.shared.pagination import Page, PageRequest, moment_after, page_of
from ports.orders import OrderRepository
from ports.shared import EventPublisher


def _key(customer_id: str, idempotency_key: str) -> str:
    return f"{customer_id}\n{idempotency_key}"


class OrdersTables:
    def __init__(self) -> None:
        self.orders = MemoryTable("orders")
        self.keys = MemoryTable("checkout_keys")  # (customer, idempotency key) -> order id: the unique rule


class MemoryOrderRepository:
    def __init__(self, tables: OrdersTables, tx: MemoryTransaction, seen: SeenAggregates) -> None:
        self.table, self.keys, self.tx, self.seen = tables.orders, tables.keys, tx, seen

    def _track(self, order: Order) -> Order:
        self.seen.add(order)
        return order

    async def add(self, order: Order) -> None:
        key = _key(order.customer_id, order.idempotency_key)

        def unique() -> None:
            # A concurrent checkout with the same key may have committed since: as the unique index would.
            if key in self.keys.rows:
                raise DuplicateCheckout()

        if self.tx.get(self.keys, key) is not None:
            raise DuplicateCheckout()
        self.tx.check_at_commit(unique)
        self.tx.put(self.keys, key, order.id)
        self.tx.put(self.table, order.id, order)
        self.seen.add(order)

    async def get(self, order_id: str) -> Order | None:
        order: Order | None = self.tx.get(self.table, order_id)
        return None if order is None else self._track(order)

    async def by_idempotency_key(self, customer_id: str, idempotency_key: str) -> Order | None:
        order_id = self.tx.get(self.keys, _key(customer_id, idempotency_key))
        return None if order_id is None else await self.get(order_id)

    async def update(self, order: Order) -> None:
        self.tx.put_versioned(self.table, order.id, order, "order")
        self.seen.add(order)

    def _newest_first(self, keep: Callable[[Order], bool], page: PageRequest) -> Page[Order]:
        start = moment_after(page)
        rows = [o for o in self.tx.scan(self.table) if keep(o) and (start is None or (o.placed_at, o.id) < start)]
        rows.sort(key=lambda o: (o.placed_at, o.id), reverse=True)
        return page_of([self._track(o) for o in rows[: page.limit + 1]], page, list_position)

    async def list_for_customer(self, customer_id: str, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        return self._newest_first(lambda o: o.customer_id == customer_id and _of(o, status), page)

    async def list_for_seller(self, seller_id: str, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        return self._newest_first(lambda o: o.paid_at is not None and seller_id in _sellers(o) and _of(o, status), page)

    async def list_all(self, status: OrderStatus | None, page: PageRequest) -> Page[Order]:
        return self._newest_first(lambda o: _of(o, status), page)


def _of(order: Order, status: OrderStatus | None) -> bool:
    return status is None or order.status is status


def _sellers(order: Order) -> Iterable[str]:
    return order.seller_ids


class MemoryOrdersUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies it (a mutable protocol member).
    orders: OrderRepository

    def __init__(self, tables: OrdersTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._open()

    def _open(self) -> None:
        self.orders = MemoryOrderRepository(self.tables, self.tx, self.seen)
