"""Orders use cases: checkout, the customer's orders, the seller's lines, the admin's list."""

from __future__ import annotations

from datetime import timedelta

from core.orders.commands import (
    CancelOrder,
    CheckoutResult,
    LinesReady,
    LineView,
    ListAll,
    ListForSeller,
    ListMine,
    OrderView,
    PlaceOrder,
    ReturnOrder,
    SellerOrderView,
    ShowOrder,
    StatusChangeView,
)
from core.orders.events import OrderLine
from core.orders.model import (
    CUSTOMER,
    DuplicateCheckout,
    Line,
    Order,
    check_idempotency_key,
    check_payment_token,
    check_reason,
)
from core.shared.errors import Conflict, NotFound, Validation, ValidationFailed
from core.shared.money import Money
from core.shared.pagination import Page
from core.shared.security import Principal, Role
from ports.catalog import ProductCatalog
from ports.checkout import AddressBook, CartContents
from ports.orders import OrdersUnitOfWork
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory

ADDRESS_ID_MAX = 64


def line_view(line: Line) -> LineView:
    b = line.bought
    return LineView(
        product_id=b.product_id,
        seller_id=b.seller_id,
        title=b.title,
        unit_price=b.unit_price,
        quantity=b.quantity,
        line_total=line.total,
        ready_at=line.ready_at,
    )


def order_view(order: Order) -> OrderView:
    return OrderView(
        order_id=order.id,
        customer_id=order.customer_id,
        status=order.status,
        lines=[line_view(line) for line in order.lines],
        total=order.total,
        address=order.address,
        placed_at=order.placed_at,
        updated_at=order.updated_at,
        delivered_at=order.delivered_at,
        cancel_reason=order.cancel_reason,
        cancelled_by=order.cancelled_by,
        return_reason=order.return_reason,
        return_refusal=order.return_refusal,
        refunded=order.refunded,
        history=[StatusChangeView(change.status, change.at) for change in order.history],
    )


def seller_order_view(order: Order, seller_id: str) -> SellerOrderView:
    mine = order.lines_of(seller_id)
    subtotal = Money.zero(order.total.currency)
    for line in mine:
        subtotal = subtotal + line.total
    return SellerOrderView(
        order_id=order.id,
        status=order.status,
        lines=[line_view(line) for line in mine],
        subtotal=subtotal,
        ready_to_ship=all(line.ready_at is not None for line in mine),
        placed_at=order.placed_at,
        paid_at=order.paid_at,
    )


async def _own_order(uow: OrdersUnitOfWork, principal: Principal, order_id: str) -> Order:
    order = await uow.orders.get(order_id)
    # Another customer's order reads exactly like a missing one: ids reveal nothing.
    if order is None or order.customer_id != principal.user_id:
        raise NotFound("no such order")
    return order


class Checkout:
    """The caller's cart becomes an order, at today's prices, to one of their addresses.

    The idempotency key makes a retried checkout harmless: a key the customer used before answers with the
    order it made (``placed`` False), even when two requests with it race (the repository's unique rule
    lets one order through; the other reads the winner's)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[OrdersUnitOfWork],
        cart: CartContents,
        catalog: ProductCatalog,
        addresses: AddressBook,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self.uow, self.cart, self.catalog, self.addresses = uow, cart, catalog, addresses
        self.ids, self.clock = ids, clock

    async def __call__(self, command: PlaceOrder) -> CheckoutResult:
        principal = command.principal
        principal.require(Role.CUSTOMER)
        v = Validation()
        key = check_idempotency_key(v, command.idempotency_key)
        token = check_payment_token(v, command.payment_token)
        v.check(0 < len(command.address_id) <= ADDRESS_ID_MAX, "address_id", "must be the id of one of your addresses")
        v.raise_if_any()
        customer = principal.user_id
        earlier = await self._earlier(customer, key)
        if earlier is not None:
            return earlier
        address = await self.addresses.address(customer, command.address_id)
        if address is None:
            raise ValidationFailed.of("address_id", "is not one of your addresses")
        lines = await self._lines(customer)
        order = Order.place(
            order_id=self.ids.new_id(),
            customer_id=customer,
            lines=lines,
            address=address,
            idempotency_key=key,
            payment_token=token,
            now=self.clock.now(),
        )
        try:
            async with self.uow() as uow:
                await uow.orders.add(order)
                await uow.commit()
        except DuplicateCheckout:
            winner = await self._earlier(customer, key)
            if winner is None:  # cannot be: the key is taken by a committed order
                raise
            return winner
        return CheckoutResult(order_view(order), placed=True)

    async def _earlier(self, customer: str, key: str) -> CheckoutResult | None:
        async with self.uow() as uow:
            order = await uow.orders.by_idempotency_key(customer, key)
        return None if order is None else CheckoutResult(order_view(order), placed=False)

    async def _lines(self, customer: str) -> list[OrderLine]:
        items = await self.cart.lines(customer)
        if not items:
            raise Conflict("your cart is empty")
        offers = await self.catalog.offers([item.product_id for item in items])
        lines: list[OrderLine] = []
        for item in items:
            offer = offers.get(item.product_id)
            if offer is None or not offer.purchasable:
                name = offer.title if offer is not None else item.product_id
                raise Conflict(f"{name} ({item.product_id}) cannot be bought at the moment: remove it from your cart")
            if item.quantity > offer.available:
                raise Conflict(
                    f"only {offer.available} of {offer.title} ({item.product_id}) available, "
                    f"your cart asks for {item.quantity}"
                )
            lines.append(OrderLine(offer.product_id, offer.seller_id, offer.title, offer.price, item.quantity))
        currencies = sorted({line.unit_price.currency for line in lines})
        if len(currencies) > 1:
            raise ValidationFailed.of(
                "cart", f"holds prices in {', '.join(currencies)}: check out one currency at a time"
            )
        return lines


class ListMyOrders:
    def __init__(self, uow: UnitOfWorkFactory[OrdersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListMine) -> Page[OrderView]:
        async with self.uow() as uow:
            page = await uow.orders.list_for_customer(command.principal.user_id, command.status, command.page)
        return Page([order_view(o) for o in page.items], page.next_cursor)


class ShowMyOrder:
    def __init__(self, uow: UnitOfWorkFactory[OrdersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ShowOrder) -> OrderView:
        async with self.uow() as uow:
            order = await _own_order(uow, command.principal, command.order_id)
        return order_view(order)


class CancelMyOrder:
    """Before shipment the customer may call the order off; the saga then undoes what was done."""

    def __init__(self, uow: UnitOfWorkFactory[OrdersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: CancelOrder) -> OrderView:
        v = Validation()
        reason = check_reason(v, command.reason or "", required=False)
        v.raise_if_any()
        async with self.uow() as uow:
            order = await _own_order(uow, command.principal, command.order_id)
            order.cancel(reason, CUSTOMER, self.clock.now())
            await uow.orders.update(order)
            await uow.commit()
        return order_view(order)


class RequestReturn:
    """A delivered order goes back within the return window; the refund saga gives the money back."""

    def __init__(self, uow: UnitOfWorkFactory[OrdersUnitOfWork], clock: Clock, window_days: int) -> None:
        self.uow, self.clock = uow, clock
        self.window = timedelta(days=window_days)

    async def __call__(self, command: ReturnOrder) -> OrderView:
        v = Validation()
        reason = check_reason(v, command.reason, required=True)
        v.raise_if_any()
        async with self.uow() as uow:
            order = await _own_order(uow, command.principal, command.order_id)
            order.request_return(reason, self.window, self.clock.now())
            await uow.orders.update(order)
            await uow.commit()
        return order_view(order)


class ListSellerOrders:
    """The seller's lines of paid (and later) orders, newest first."""

    def __init__(self, uow: UnitOfWorkFactory[OrdersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListForSeller) -> Page[SellerOrderView]:
        command.principal.require(Role.SELLER)
        seller = command.principal.user_id
        async with self.uow() as uow:
            page = await uow.orders.list_for_seller(seller, command.status, command.page)
        return Page([seller_order_view(o, seller) for o in page.items], page.next_cursor)


class MarkLinesReady:
    """The seller packed their lines; once every seller has, the order is ready to ship. A repeat is a no-op."""

    def __init__(self, uow: UnitOfWorkFactory[OrdersUnitOfWork], clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, command: LinesReady) -> SellerOrderView:
        command.principal.require(Role.SELLER)
        seller = command.principal.user_id
        async with self.uow() as uow:
            order = await uow.orders.get(command.order_id)
            # An order without the seller's lines (or never paid) is none of their business.
            if order is None or not order.lines_of(seller) or order.paid_at is None:
                raise NotFound("no such order")
            if order.mark_ready(seller, self.clock.now()):
                await uow.orders.update(order)
                await uow.commit()
        return seller_order_view(order, seller)


class ListOrders:
    """The admin's list of every order, newest first."""

    def __init__(self, uow: UnitOfWorkFactory[OrdersUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ListAll) -> Page[OrderView]:
        command.principal.require(Role.ADMIN)
        async with self.uow() as uow:
            page = await uow.orders.list_all(command.status, command.page)
        return Page([order_view(o) for o in page.items], page.next_cursor)
