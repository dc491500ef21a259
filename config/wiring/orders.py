"""The orders context: orders in PostgreSQL (infra) or in memory; the desk the orchestrator's sagas use.

Checkout reads the cart (``CartContents``, the cart's wiring), the address book (``AddressBook``, the
users' wiring) and the catalogue (``ProductCatalog``, the products' wiring).
"""

from __future__ import annotations

from adapters.memory.orders import MemoryOrdersUnitOfWork, OrdersTables
from config.runtime import Wiring
from core.orders import use_cases as uc
from core.orders.desk import OrdersForSagas
from ports.checkout import OrderDesk
from ports.orders import OrdersUnitOfWork
from ports.shared import Clock

DATABASE = "orders"


def register(w: Wiring) -> None:
    c = w.container
    if w.infra:
        from adapters.postgres.orders.repository import PostgresOrdersUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(OrdersUnitOfWork, lambda: PostgresOrdersUnitOfWork(pool, nudge))
    else:
        tables = OrdersTables()
        w.units_of_work(OrdersUnitOfWork, lambda: MemoryOrdersUnitOfWork(tables, w.bus))
    window = w.settings.return_window_days
    c.register(
        uc.RequestReturn,
        factory=lambda: uc.RequestReturn(w.units_of_work_of(OrdersUnitOfWork), c.resolve(Clock), window),
    )
    c.register(OrderDesk, factory=lambda: OrdersForSagas(w.units_of_work_of(OrdersUnitOfWork), c.resolve(Clock)))
    w.use_cases(
        uc.Checkout,
        uc.ListMyOrders,
        uc.ShowMyOrder,
        uc.CancelMyOrder,
        uc.ListSellerOrders,
        uc.MarkLinesReady,
        uc.ListOrders,
    )
