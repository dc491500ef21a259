"""Stock use cases: a seller counts their stock; orders reserve, release and commit units of it.

Setting and reading stock is the seller's (through the seller API, on their own products only). Reserve,
release and commit are the order saga's: each takes the order id as its idempotency key, so a saga that
repeats a step after a crash or a redelivery gets the same outcome and changes nothing.
"""

from __future__ import annotations

from core.products.commands import (
    CommitForOrder,
    GetStock,
    ReleaseForOrder,
    ReservationView,
    ReserveForOrder,
    SetOnHand,
    StockView,
)
from core.products.stock import (
    MAX_ON_HAND,
    MAX_ORDER_LINES,
    ORDER_ID_MAX,
    ReservationState,
    StockItem,
    StockReservation,
    same_lines,
)
from core.shared.errors import Conflict, NotFound, Validation
from core.shared.security import Principal
from ports.catalog import ProductOwnership
from ports.shared import Clock, UnitOfWorkFactory
from ports.stock import StockUnitOfWork

PRODUCT_ID_MAX = 64


def stock_view(product_id: str, item: StockItem | None) -> StockView:
    if item is None:
        return StockView(product_id, 0, 0, 0)
    return StockView(product_id, item.on_hand, item.reserved, item.available)


def reservation_view(reservation: StockReservation) -> ReservationView:
    r = reservation
    return ReservationView(r.order_id, r.state, list(r.lines), list(r.unavailable))


async def _own_product(ownership: ProductOwnership, principal: Principal, product_id: str) -> None:
    # Another seller's product is reported exactly like a missing one: ids reveal nothing.
    if await ownership.owner_of(product_id) != principal.user_id:
        raise NotFound("no such product")


def _check_order_id(v: Validation, order_id: str) -> None:
    v.check(bool(order_id.strip()), "order_id", "must not be empty")
    v.check(len(order_id) <= ORDER_ID_MAX, "order_id", f"must be at most {ORDER_ID_MAX} characters")


class ShowStock:
    def __init__(self, uow: UnitOfWorkFactory[StockUnitOfWork], ownership: ProductOwnership) -> None:
        self.uow, self.ownership = uow, ownership

    async def __call__(self, command: GetStock) -> StockView:
        await _own_product(self.ownership, command.principal, command.product_id)
        async with self.uow() as uow:
            item = await uow.stock.get(command.product_id)
        return stock_view(command.product_id, item)


class SetStock:
    """The seller counted their product: this many units are on hand (never below what orders hold)."""

    def __init__(self, uow: UnitOfWorkFactory[StockUnitOfWork], ownership: ProductOwnership, clock: Clock) -> None:
        self.uow, self.ownership, self.clock = uow, ownership, clock

    async def __call__(self, command: SetOnHand) -> StockView:
        v = Validation()
        v.check(0 <= command.quantity <= MAX_ON_HAND, "quantity", f"must be from 0 to {MAX_ON_HAND}")
        v.raise_if_any()
        await _own_product(self.ownership, command.principal, command.product_id)
        now = self.clock.now()
        async with self.uow() as uow:
            item = (await uow.stock.lock([command.product_id])).get(command.product_id)
            if item is None:
                item = StockItem.empty(command.product_id, command.principal.user_id, now)
                item.set_on_hand(command.quantity, now)
                await uow.stock.add(item)
            else:
                item.set_on_hand(command.quantity, now)
                await uow.stock.update(item)
            await uow.commit()
        return stock_view(command.product_id, item)


class ReserveStock:
    """Hold units of every line of an order, or of none: it never oversells, and it happens once per order."""

    def __init__(self, uow: UnitOfWorkFactory[StockUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: ReserveForOrder) -> ReservationView:
        self._check(command)
        async with self.uow() as uow:
            reservation = await uow.reservations.lock(command.order_id)
            if reservation is not None:
                if not same_lines(reservation.lines, command.lines):
                    raise Conflict(f"order {command.order_id} reserved other lines before")
                return reservation_view(reservation)
            items = await uow.stock.lock([line.product_id for line in command.lines])
            reservation = StockReservation.place(command.order_id, command.lines, items, self.clock.now())
            await uow.reservations.add(reservation)
            if reservation.state is ReservationState.RESERVED:
                for product_id in reservation.product_ids:
                    await uow.stock.update(items[product_id])
            await uow.commit()
        return reservation_view(reservation)

    @staticmethod
    def _check(command: ReserveForOrder) -> None:
        v = Validation()
        _check_order_id(v, command.order_id)
        v.check(bool(command.lines), "lines", "must name at least one product")
        v.check(len(command.lines) <= MAX_ORDER_LINES, "lines", f"must have at most {MAX_ORDER_LINES} lines")
        seen: set[str] = set()
        for n, line in enumerate(command.lines):
            product_ok = bool(line.product_id.strip()) and len(line.product_id) <= PRODUCT_ID_MAX
            v.check(product_ok, f"lines.{n}.product_id", f"must be a product id of 1 to {PRODUCT_ID_MAX} characters")
            v.check(line.product_id not in seen, f"lines.{n}.product_id", "names a product of an earlier line")
            seen.add(line.product_id)
            v.check(1 <= line.quantity <= MAX_ON_HAND, f"lines.{n}.quantity", f"must be from 1 to {MAX_ON_HAND}")
        v.raise_if_any()


class ReleaseStock:
    """The order will not ship (cancelled, unpaid): its units are available again.

    Safe for any order: one that never reserved, or failed to, holds nothing and gets None or its
    reservation as it was. A committed order's units have left: releasing them is a ``Conflict``.
    """

    def __init__(self, uow: UnitOfWorkFactory[StockUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: ReleaseForOrder) -> ReservationView | None:
        v = Validation()
        _check_order_id(v, command.order_id)
        v.raise_if_any()
        async with self.uow() as uow:
            reservation = await uow.reservations.lock(command.order_id)
            if reservation is None:
                return None
            items = await uow.stock.lock(reservation.product_ids)
            if reservation.release(items, self.clock.now()):
                await _store(uow, reservation, items)
        return reservation_view(reservation)


class CommitStock:
    """The order shipped: its reserved units leave the stock for good."""

    def __init__(self, uow: UnitOfWorkFactory[StockUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: CommitForOrder) -> ReservationView:
        v = Validation()
        _check_order_id(v, command.order_id)
        v.raise_if_any()
        async with self.uow() as uow:
            reservation = await uow.reservations.lock(command.order_id)
            if reservation is None:
                raise NotFound(f"order {command.order_id} has reserved no stock")
            items = await uow.stock.lock(reservation.product_ids)
            if reservation.commit(items, self.clock.now()):
                await _store(uow, reservation, items)
        return reservation_view(reservation)


async def _store(uow: StockUnitOfWork, reservation: StockReservation, items: dict[str, StockItem]) -> None:
    await uow.reservations.update(reservation)
    for product_id in reservation.product_ids:
        await uow.stock.update(items[product_id])
    await uow.commit()
