"""Stock (the products context): on-hand units per product and orders' reservations, in the products database."""

from __future__ import annotations

from adapters.memory.stock import MemoryStockLevels, MemoryStockUnitOfWork, StockTables
from config.runtime import Wiring
from core.products import stock_use_cases as uc
from core.products.stock_desk import StockForSagas
from ports.catalog import StockLevels
from ports.checkout import StockDesk
from ports.stock import StockUnitOfWork

DATABASE = "products"


def register(w: Wiring) -> None:
    if w.infra:
        from adapters.postgres.products.stock import PostgresStockLevels, PostgresStockUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(StockUnitOfWork, lambda: PostgresStockUnitOfWork(pool, nudge))
        w.container.register(StockLevels, instance=PostgresStockLevels(pool))
    else:
        tables = StockTables()
        w.units_of_work(StockUnitOfWork, lambda: MemoryStockUnitOfWork(tables, w.bus))
        w.container.register(StockLevels, instance=MemoryStockLevels(tables))
    w.use_cases(uc.ShowStock, uc.SetStock, uc.ReserveStock, uc.ReleaseStock, uc.CommitStock)
    # The orchestrator's sagas reserve, release and commit an order's stock through this desk.
    w.container.register(StockDesk, StockForSagas)
