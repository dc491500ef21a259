"""In-memory adapter of the activity context's signals; behaves as ``adapters.postgres.activity``.

Built for volume (an offline evaluation replays some 100k actions through it), so nothing is copied: the
rows are mutable objects that never leave the tables (reads build frozen values from them), and a unit
of work stages its writes as small functions that ``commit`` applies in order, all between two awaits. A
unit of work left without commit changes nothing. Its reads see the committed signals (the use cases read
first, then write), with two exceptions that PostgreSQL's reading of its own writes makes part of the
contract: ``claim`` also sees the ids this unit of work claimed already, and ``recent_products`` the
actions this unit of work counted already (the activity worker counts an order's lines one after another,
each paired with those before it).

Where PostgreSQL makes a second claim of an action wait for the first unit of work, then answers false,
memory cannot wait: a commit that finds one of its claims committed meanwhile by another unit of work is
refused (``ChangedMeanwhile``) and applies nothing, rather than count the action twice.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from types import TracebackType

import attrs

from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.tracking import SeenAggregates
from core.activity.model import ActionKind, Dimension, PairKind, RememberedOrder, Shopper
from core.shared.errors import ChangedMeanwhile
from ports.activity import SignalRepository
from ports.recommendations import Interest, Ranked, ShopperProfile
from ports.shared import EventPublisher

Write = Callable[[], None]
MEASURES = ("units", "views")


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    """As SQL's GREATEST: the later of the two, a missing one ignored."""
    if a is None or b is None:
        return a if b is None else b
    return max(a, b)


class InterestRow:
    """What an actor did with a product: as a row of ``activity.interests``."""

    __slots__ = ("carted", "last_at", "last_carted_at", "last_purchased_at", "last_viewed_at", "purchased", "viewed")

    def __init__(self, at: datetime) -> None:
        self.viewed = self.carted = self.purchased = 0
        self.last_viewed_at: datetime | None = None
        self.last_carted_at: datetime | None = None
        self.last_purchased_at: datetime | None = None
        self.last_at = at

    def count(self, kind: ActionKind, at: datetime) -> None:
        if kind is ActionKind.VIEWED:
            self.viewed += 1
            self.last_viewed_at = _latest(self.last_viewed_at, at)
        elif kind is ActionKind.ADDED_TO_CART:
            self.carted += 1
            self.last_carted_at = _latest(self.last_carted_at, at)
        else:
            self.purchased += 1
            self.last_purchased_at = _latest(self.last_purchased_at, at)
        self.last_at = max(self.last_at, at)

    def fold(self, other: InterestRow) -> None:
        self.viewed += other.viewed
        self.carted += other.carted
        self.purchased += other.purchased
        self.last_viewed_at = _latest(self.last_viewed_at, other.last_viewed_at)
        self.last_carted_at = _latest(self.last_carted_at, other.last_carted_at)
        self.last_purchased_at = _latest(self.last_purchased_at, other.last_purchased_at)
        self.last_at = max(self.last_at, other.last_at)

    def interest(self, product_id: str) -> Interest:
        return Interest(product_id, self.viewed, self.carted, self.purchased, self.last_at)


# The kinds an interest counts, and the moment each keeps (what ``recent_products`` orders by).
_MOMENTS = {
    ActionKind.VIEWED: "last_viewed_at",
    ActionKind.ADDED_TO_CART: "last_carted_at",
    ActionKind.PURCHASED: "last_purchased_at",
}


class ProductDay:
    """A product's views and units sold on one day: as a row of ``activity.product_days``."""

    __slots__ = ("brand", "category_path", "units", "views")

    def __init__(self, category_path: tuple[str, ...], brand: str) -> None:
        self.category_path, self.brand = category_path, brand
        self.views = self.units = 0


class SignalsTables:
    """The signals of one runtime, shared by all its units of work."""

    def __init__(self) -> None:
        self.claims: set[str] = set()
        self.interests: dict[str, dict[str, InterestRow]] = {}  # actor -> product id -> row
        self.tastes: dict[str, dict[Dimension, dict[str, float]]] = {}  # actor -> dimension -> value -> weight
        self.pairs: dict[PairKind, dict[str, dict[str, int]]] = {kind: {} for kind in PairKind}
        self.days: dict[date, dict[str, ProductDay]] = {}  # by day first: the rankings read a window of days
        self.orders: dict[str, RememberedOrder] = {}
        self.orders_of: dict[str, set[str]] = {}  # customer -> order ids, for reassign and erase


def _most(sums: dict[str, int], limit: int) -> list[tuple[str, int]]:
    """The ids of ``sums`` with a positive sum, most first, then by id (code points: as "C" orders them)."""
    found = heapq.nsmallest(limit, ((-n, key) for key, n in sums.items() if n > 0))
    return [(key, -n) for n, key in found]


def _ranked(sums: dict[str, int], limit: int) -> list[Ranked]:
    return [Ranked(product_id, float(n)) for product_id, n in _most(sums, limit)]


def _latest_first(moments: dict[str, datetime], limit: int) -> list[str]:
    """The ids of ``moments``, latest first, then by id: the ``limit`` first."""
    if not moments:
        return []
    since = next(iter(moments.values()))  # any moment: how long before it each is orders them, exactly
    return heapq.nsmallest(limit, moments, key=lambda key: (since - moments[key], key))


def _distinct(values: Iterable[str], but: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v != but))


class MemorySignalRepository:
    def __init__(self, tables: SignalsTables, writes: list[Write], claimed: set[str], seen: SeenAggregates) -> None:
        self.tables, self._writes, self._claimed, self.seen = tables, writes, claimed, seen
        # The latest moments of the interests counted in this unit of work: (actor, kind) -> product -> moment.
        self._moments: dict[tuple[str, ActionKind], dict[str, datetime]] = {}

    async def claim(self, action_id: str) -> bool:
        if action_id in self._claimed or action_id in self.tables.claims:
            return False
        self._claimed.add(action_id)
        return True

    def shopper(self, actor: str) -> Shopper:
        shopper = Shopper(actor)
        self.seen.add(shopper)
        return shopper

    async def recent_products(self, actor: str, kind: ActionKind, limit: int) -> list[str]:
        moment = _MOMENTS.get(kind)
        if moment is None:  # only views, cart additions and purchases are remembered per product
            return []
        moment_of = operator.attrgetter(moment)
        rows = self.tables.interests.get(actor, {})
        latest: dict[str, datetime] = {pid: at for pid, row in rows.items() if (at := moment_of(row)) is not None}
        for product_id, at in self._moments.get((actor, kind), {}).items():
            committed = latest.get(product_id)
            latest[product_id] = at if committed is None else max(at, committed)
        return _latest_first(latest, limit)

    async def add_interest(self, actor: str, product_id: str, kind: ActionKind, at: datetime) -> None:
        interests = self.tables.interests
        if kind is ActionKind.REMOVED_FROM_CART:

            def take_back() -> None:
                row = interests.get(actor, {}).get(product_id)
                if row is not None:
                    row.carted = max(row.carted - 1, 0)

            self._writes.append(take_back)
        elif kind in _MOMENTS:  # searches and reviews say nothing about interest in a product
            moments = self._moments.setdefault((actor, kind), {})
            moments[product_id] = max(moments.get(product_id, at), at)

            def count() -> None:
                rows = interests.setdefault(actor, {})
                row = rows.get(product_id)
                if row is None:
                    row = rows[product_id] = InterestRow(at)
                row.count(kind, at)

            self._writes.append(count)

    async def add_taste(self, actor: str, dimension: Dimension, value: str, weight: float) -> None:
        def add() -> None:
            weights = self.tables.tastes.setdefault(actor, {}).setdefault(dimension, {})
            weights[value] = weights.get(value, 0.0) + weight

        self._writes.append(add)

    async def add_pairs(self, kind: PairKind, product_id: str, others: Sequence[str]) -> None:
        distinct = _distinct(others, but=product_id)
        if not distinct:
            return
        pairs = self.tables.pairs[kind]

        def add() -> None:
            mine = pairs.setdefault(product_id, {})
            for other in distinct:
                mine[other] = mine.get(other, 0) + 1
                theirs = pairs.setdefault(other, {})
                theirs[product_id] = theirs.get(product_id, 0) + 1

        self._writes.append(add)

    async def add_product_day(
        self, product_id: str, day: date, category_path: Sequence[str], brand: str, views: int, units: int
    ) -> None:
        path = tuple(category_path)

        def add() -> None:
            rows = self.tables.days.setdefault(day, {})
            row = rows.get(product_id)
            if row is None:
                row = rows[product_id] = ProductDay(path, brand)
            row.category_path, row.brand = path, brand  # as the product is now
            row.views += views
            row.units += units

        self._writes.append(add)

    async def remember_order(self, order_id: str, customer_id: str, lines: Sequence[tuple[str, int]]) -> None:
        kept = tuple((product_id, quantity) for product_id, quantity in lines)
        tables = self.tables

        def remember() -> None:
            known = tables.orders.get(order_id) or RememberedOrder(order_id)
            if known.customer_id is None:  # the first placement kept stays
                tables.orders[order_id] = attrs.evolve(known, customer_id=customer_id, lines=kept)
                tables.orders_of.setdefault(customer_id, set()).add(order_id)

        self._writes.append(remember)

    async def remember_payment(self, order_id: str, event_id: str, paid_at: datetime) -> None:
        tables = self.tables

        def remember() -> None:
            known = tables.orders.get(order_id) or RememberedOrder(order_id)
            if known.paid_by is None:  # the first payment kept stays
                tables.orders[order_id] = attrs.evolve(known, paid_by=event_id, paid_at=paid_at)

        self._writes.append(remember)

    async def order(self, order_id: str) -> RememberedOrder | None:
        return self.tables.orders.get(order_id)  # frozen: shared, never copied

    async def reassign(self, from_actor: str, to_actor: str) -> None:
        if from_actor == to_actor:
            return
        tables = self.tables

        def fold() -> None:
            gone = tables.interests.pop(from_actor, {})
            if gone:
                kept = tables.interests.setdefault(to_actor, {})
                for product_id, row in gone.items():
                    into = kept.get(product_id)
                    if into is None:
                        kept[product_id] = row
                    else:
                        into.fold(row)
            for dimension, weights in tables.tastes.pop(from_actor, {}).items():
                into_weights = tables.tastes.setdefault(to_actor, {}).setdefault(dimension, {})
                for value, weight in weights.items():
                    into_weights[value] = into_weights.get(value, 0.0) + weight
            orders = tables.orders_of.pop(from_actor, set())
            for order_id in orders:
                tables.orders[order_id] = attrs.evolve(tables.orders[order_id], customer_id=to_actor)
            if orders:
                tables.orders_of.setdefault(to_actor, set()).update(orders)

        self._writes.append(fold)

    async def erase(self, actor: str) -> None:
        tables = self.tables

        def forget() -> None:
            tables.interests.pop(actor, None)
            tables.tastes.pop(actor, None)
            for order_id in tables.orders_of.pop(actor, set()):
                del tables.orders[order_id]

        self._writes.append(forget)

    async def profile(self, actor: str) -> ShopperProfile:
        rows = self.tables.interests.get(actor, {})
        moments = {product_id: row.last_at for product_id, row in rows.items()}
        interests = [rows[product_id].interest(product_id) for product_id in _latest_first(moments, len(rows))]
        tastes = self.tables.tastes.get(actor, {})
        return ShopperProfile(
            actor,
            tuple(interests),
            dict(sorted(tastes.get(Dimension.CATEGORY, {}).items())),
            dict(sorted(tastes.get(Dimension.BRAND, {}).items())),
        )

    async def neighbours(self, kind: PairKind, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        sources = set(product_ids)
        pairs = self.tables.pairs[kind]
        sums: dict[str, int] = {}
        for product_id in sources:
            for other, count in pairs.get(product_id, {}).items():
                if other not in sources:
                    sums[other] = sums.get(other, 0) + count
        return _ranked(sums, limit)

    async def top_products(
        self, since: date, measure: str, category_id: str | None, brand: str | None, limit: int
    ) -> list[Ranked]:
        if measure not in MEASURES:
            raise ValueError(f"products are ranked by 'units' or 'views', not {measure!r}")
        units = measure == "units"
        sums: dict[str, int] = {}
        for day, rows in self.tables.days.items():
            if day < since:
                continue
            for product_id, row in rows.items():
                if category_id is not None and category_id not in row.category_path:
                    continue
                if brand is not None and row.brand != brand:
                    continue
                sums[product_id] = sums.get(product_id, 0) + (row.units if units else row.views)
        return _ranked(sums, limit)

    async def active_categories(self, since: date, limit: int) -> list[str]:
        sums: dict[str, int] = {}
        for day, rows in self.tables.days.items():
            if day < since:
                continue
            for row in rows.values():
                busy = row.views + row.units
                if busy > 0:
                    for category_id in row.category_path:
                        sums[category_id] = sums.get(category_id, 0) + busy
        return [category_id for category_id, _ in _most(sums, limit)]


class MemoryActivitySignalsUnitOfWork(MemoryUnitOfWork):
    # Typed as the port: the unit of work then satisfies ``SignalsUnitOfWork`` (a mutable protocol member).
    signals: SignalRepository

    def __init__(self, tables: SignalsTables, publisher: EventPublisher) -> None:
        super().__init__(publisher)
        self.tables = tables
        self._writes: list[Write] = []
        self._claimed: set[str] = set()
        self._open()

    def _open(self) -> None:
        self._writes, self._claimed = [], set()
        self.signals = MemorySignalRepository(self.tables, self._writes, self._claimed, self.seen)

    def _drop_staged(self) -> None:
        self._writes.clear()
        self._claimed.clear()

    async def commit(self) -> None:
        # Checked before anything applies: a refused commit leaves the signals as they were.
        if not self._claimed.isdisjoint(self.tables.claims):
            self._drop_staged()
            raise ChangedMeanwhile("action")
        self.tables.claims.update(self._claimed)
        for write in self._writes:
            write()
        self._drop_staged()
        await super().commit()  # publishes the shoppers' events

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._drop_staged()
        await super().__aexit__(exc_type, exc, tb)
