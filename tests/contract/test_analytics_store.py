"""The AnalyticsSink and AnalyticsQueries contract: the memory store and ClickHouse (the engine embedded as
chdb; a ClickHouse server takes the same SQL through clickhouse-connect) keep the history alike and give
the same figures, by ``core.analytics.model``'s definitions.

The history is a small shop's two days, written from real domain events (as the consumer writes them):

- day 1: shopper A views P1, adds it, orders O1 (2 x P1 at 10.00 from seller S1, 1 x P3 at 5.00 from S2)
  and pays; guest g1 views and adds P3, logs in as B, orders O2 (P3), is declined once and pays; C only
  views P2; D views, adds and orders O3 (P1), declined, never paid; F views P1;
- day 2: A orders and pays O4 (3 x P2 at 3.00, S1); O1 is refunded 10.00; E orders and pays O5 in USD
  without a view; F adds P1 to the cart more than a day after the view; searches: "Teapot " and "teapot"
  found nothing, "kettle" nothing, "mug" five products;
- day 3: A orders and pays O6 (P1).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from adapters.clickhouse.analytics import ClickHouseAnalytics
from adapters.memory.analytics import MemoryAnalytics
from core.activity.events import CartItemAdded, GuestActivityClaimed, ProductViewed, SearchMade
from core.analytics.model import (
    DaySales,
    FunnelLevels,
    PaymentAttempts,
    Period,
    ProductSales,
    RecordedEvent,
    RefundTotals,
    Scope,
    SearchCount,
    SellerSales,
)
from core.orders.events import OrderConfirmed, OrderLine, OrderPlaced
from core.payments.events import PaymentAuthorized, PaymentFailed, PaymentRefunded
from core.products.events import ProductCreated
from core.shared.addresses import PostalAddress
from core.shared.events import Event, to_envelope
from core.shared.money import Money
from tests.support.clickhouse import scratch_analytics

STORES = ["memory", "clickhouse"]

DAY1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY2 + timedelta(days=1)
TWO_DAYS = Period(date(2026, 3, 1), date(2026, 3, 2))
ADDRESS = PostalAddress(
    recipient="Ann", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE", phone="+49 30 1234567"
)
TITLES = {"P1": "Teapot", "P2": "Mug", "P3": "Kettle"}
SELLERS = {"P1": "S1", "P2": "S1", "P3": "S2"}


def eur(amount: int) -> Money:
    return Money(amount, "EUR")


def at(moment: datetime, minutes: float = 0) -> dict[str, Any]:
    return {"occurred_at": moment + timedelta(minutes=minutes)}


def line(product: str, quantity: int, price: Money) -> OrderLine:
    return OrderLine(
        product_id=product, seller_id=SELLERS[product], title=TITLES[product], unit_price=price, quantity=quantity
    )


def placed(order: str, customer: str, when: datetime, *lines: OrderLine) -> OrderPlaced:
    total = Money(sum(ln.unit_price.amount * ln.quantity for ln in lines), lines[0].unit_price.currency)
    return OrderPlaced(
        order_id=order, customer_id=customer, lines=list(lines), total=total, address=ADDRESS,
        payment_token="tok_visa", occurred_at=when,
    )  # fmt: skip


def paid(order: str, customer: str, when: datetime, total: Money) -> list[Event]:
    return [
        PaymentAuthorized(payment_id=f"pay-{order}", order_id=order, amount=total, occurred_at=when),
        OrderConfirmed(order_id=order, customer_id=customer, total=total, occurred_at=when + timedelta(seconds=1)),
    ]


def declined(order: str, when: datetime) -> PaymentFailed:
    return PaymentFailed(
        payment_id=f"pay-{order}", order_id=order, operation="authorize", reason="card_declined", declined=True,
        occurred_at=when,
    )  # fmt: skip


def viewed(actor: str, product: str, when: datetime) -> ProductViewed:
    return ProductViewed(actor=actor, product_id=product, occurred_at=when)


def added(actor: str, product: str, when: datetime) -> CartItemAdded:
    return CartItemAdded(actor=actor, product_id=product, quantity=1, occurred_at=when)


def searched(query: str, results: int, when: datetime) -> SearchMade:
    return SearchMade(actor="u-a", query=query, filters=[], results=results, occurred_at=when)


def history() -> list[Event]:
    d1, d2, d3 = DAY1, DAY2, DAY3
    return [
        *(ProductCreated(product_id=p, seller_id=s, title=TITLES[p], occurred_at=d1 - timedelta(days=9))
          for p, s in SELLERS.items()),
        viewed("u-a", "P1", d1), added("u-a", "P1", d1 + timedelta(minutes=1)),
        placed("O1", "u-a", d1 + timedelta(minutes=2), line("P1", 2, eur(1000)), line("P3", 1, eur(500))),
        *paid("O1", "u-a", d1 + timedelta(minutes=3), eur(2500)),
        viewed("guest:g1", "P3", d1), added("guest:g1", "P3", d1 + timedelta(minutes=1)),
        GuestActivityClaimed(actor="guest:g1", user_id="u-b", occurred_at=d1 + timedelta(minutes=5)),
        placed("O2", "u-b", d1 + timedelta(minutes=6), line("P3", 1, eur(500))),
        declined("O2", d1 + timedelta(minutes=7)),
        *paid("O2", "u-b", d1 + timedelta(minutes=8), eur(500)),
        viewed("u-c", "P2", d1),
        viewed("u-d", "P1", d1), added("u-d", "P1", d1 + timedelta(minutes=1)),
        placed("O3", "u-d", d1 + timedelta(minutes=2), line("P1", 1, eur(1000))),
        declined("O3", d1 + timedelta(minutes=3)),
        PaymentFailed(payment_id="pay-O1", order_id="O1", operation="capture", reason="timeout", declined=False,
                      occurred_at=d1 + timedelta(minutes=9)),
        viewed("u-f", "P1", d1 - timedelta(hours=10)), added("u-f", "P1", d2 + timedelta(hours=1)),
        placed("O4", "u-a", d2, line("P2", 3, eur(300))),
        *paid("O4", "u-a", d2 + timedelta(minutes=1), eur(900)),
        PaymentRefunded(payment_id="pay-O1", order_id="O1", amount=eur(1000), occurred_at=d2 + timedelta(hours=2)),
        placed("O5", "u-e", d2, line("P3", 1, Money(700, "USD"))),
        *paid("O5", "u-e", d2 + timedelta(minutes=1), Money(700, "USD")),
        searched("Teapot ", 0, d2), searched("teapot", 0, d2), searched("kettle", 0, d2), searched("mug", 5, d2),
        searched("", 0, d2),
        placed("O6", "u-a", d3, line("P1", 1, eur(1000))),
        *paid("O6", "u-a", d3 + timedelta(minutes=1), eur(1000)),
    ]  # fmt: skip


def recorded(events: list[Event]) -> list[RecordedEvent]:
    return [RecordedEvent.of(to_envelope(event)) for event in events]


@pytest.fixture(scope="module")
async def clickhouse() -> AsyncIterator[ClickHouseAnalytics]:
    store = await scratch_analytics()
    yield store
    await store.drop()


@pytest.fixture(params=STORES)
def any_store(request: pytest.FixtureRequest) -> MemoryAnalytics | ClickHouseAnalytics:
    if request.param == "memory":
        return MemoryAnalytics()
    clickhouse: ClickHouseAnalytics = request.getfixturevalue("clickhouse")  # only when asked for
    return clickhouse


@pytest.fixture
async def store(any_store: MemoryAnalytics | ClickHouseAnalytics) -> MemoryAnalytics | ClickHouseAnalytics:
    """A store holding the two days' history."""
    if isinstance(any_store, ClickHouseAnalytics):
        await any_store.truncate()
    events = recorded(history())
    await any_store.write(events[: len(events) // 2])
    await any_store.write(events[len(events) // 3 :])  # a redelivery overlapping the first batch
    return any_store


def scope(seller: str | None = None, currency: str = "EUR", period: Period = TWO_DAYS) -> Scope:
    return Scope(period, currency, seller)


async def test_gmv_and_orders_per_day_count_each_paid_order_once_on_the_day_it_was_paid(store: Any) -> None:
    assert await store.sales_by_day(scope()) == [
        DaySales(date(2026, 3, 1), 2, 3000),
        DaySales(date(2026, 3, 2), 1, 900),
    ]


async def test_a_sellers_figures_are_the_value_of_their_own_lines(store: Any) -> None:
    assert await store.sales_by_day(scope("S2")) == [DaySales(date(2026, 3, 1), 2, 1000)]
    assert await store.sales_by_seller(scope(), 10) == [SellerSales("S1", 2, 2900), SellerSales("S2", 2, 1000)]
    assert await store.sales_by_seller(scope(), 1) == [SellerSales("S1", 2, 2900)]
    assert await store.sales_by_seller(scope("S2"), 10) == [SellerSales("S2", 2, 1000)]


async def test_another_currency_and_another_period_are_other_figures(store: Any) -> None:
    assert await store.sales_by_day(scope(currency="USD")) == [DaySales(date(2026, 3, 2), 1, 700)]
    third = Period(date(2026, 3, 3), date(2026, 3, 3))
    assert await store.sales_by_day(scope(period=third)) == [DaySales(date(2026, 3, 3), 1, 1000)]
    assert await store.sales_by_day(scope(period=Period(date(2026, 2, 1), date(2026, 2, 28)))) == []


async def test_top_products_by_revenue(store: Any) -> None:
    assert await store.top_products(scope(), 10) == [
        ProductSales("P1", "Teapot", 2, 2000),
        ProductSales("P3", "Kettle", 2, 1000),
        ProductSales("P2", "Mug", 3, 900),
    ]
    assert await store.top_products(scope("S1"), 1) == [ProductSales("P1", "Teapot", 2, 2000)]


async def test_refunds_and_a_sellers_share_of_them(store: Any) -> None:
    assert await store.refunds(scope()) == RefundTotals(1, 1000)
    assert await store.refunds(scope("S1")) == RefundTotals(1, 800)  # 2000 of the order's 2500
    assert await store.refunds(scope("S2")) == RefundTotals(1, 200)
    assert await store.refunds(scope(currency="USD")) == RefundTotals(0, 0)


async def test_payment_attempts_count_authorizations_granted_and_refused(store: Any) -> None:
    # Authorized: O1, O2, O4, O5 (any currency); refused: O2 once, O3. A failed capture is no attempt.
    assert await store.payment_attempts(scope()) == PaymentAttempts(6, 2)
    assert await store.payment_attempts(scope("S2")) == PaymentAttempts(4, 1)  # O1, O2 twice, O5


async def test_the_funnel_follows_each_shopper_within_a_day_a_guest_counted_as_the_user_they_became(store: Any) -> None:
    # Viewed: A, B (as guest g1), C, D, F; to the cart: A, B, D (F a day too late); checkout: A, B, D; paid: A, B.
    assert await store.funnel(scope()) == FunnelLevels((5, 3, 3, 2))
    # S1's products P1 and P2, and its orders O1, O3, O4: A all the way, C viewed, D to checkout, F viewed.
    assert await store.funnel(scope("S1")) == FunnelLevels((4, 2, 2, 1))


async def test_searches_without_results_by_their_text(store: Any) -> None:
    assert await store.searches_without_results(TWO_DAYS, 10) == [SearchCount("teapot", 2), SearchCount("kettle", 1)]
    assert await store.searches_without_results(TWO_DAYS, 1) == [SearchCount("teapot", 2)]


async def test_personal_data_and_secrets_are_not_kept() -> None:
    (event,) = recorded([placed("O1", "u-a", DAY1, line("P1", 1, eur(1000)))])
    assert "address" not in event.data
    assert "payment_token" not in event.data
    assert "+49" not in event.payload
    assert "tok_visa" not in event.payload
    assert event.data["lines"][0]["seller_id"] == "S1"
