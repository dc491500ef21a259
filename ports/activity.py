"""What the activity context needs: a stream that takes shoppers' actions without making the request wait,
an activity log (Elasticsearch: "recently viewed", the user's own history, analytics queries) and the
signals (co-views, co-purchases, affinities, products' daily views and sales) in the recommendations
database, which the recommendations context reads through ``ports.recommendations.ShopperSignals``.

Idempotency: every action has a unique id. The log keeps one document per id; ``SignalRepository.claim``
records the id in the unit of work that applies the action, so a redelivered action changes no count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.events import Event
from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.activity.model import Action, ActionKind, Dimension, PairKind, RememberedOrder, SearchCount, Shopper
    from ports.recommendations import Ranked, ShopperProfile


class ActivityStream(Protocol):
    def send(self, event: Event) -> None:
        """Hand the event to the publisher without waiting: never raises, never blocks. A full buffer
        drops the event (and counts it): a shopper's page never waits on the activity it makes."""
        ...


class ActivityLog(Protocol):
    async def record(self, actions: Sequence[Action]) -> None:
        """Keep the actions; an action already kept (same ``action_id``) is kept once. Visible to every
        read that starts after this returned."""
        ...

    async def of_actor(self, actor: str, kinds: Sequence[ActionKind], page: PageRequest) -> Page[Action]:
        """The actor's actions (of the given kinds; all when empty), newest first, then by id."""
        ...

    async def reassign(self, from_actor: str, to_actor: str) -> None:
        """Every action of ``from_actor`` becomes ``to_actor``'s (a guest's, at login)."""
        ...

    async def erase(self, actor: str) -> None:
        """Forget every action of the actor."""
        ...

    async def top_searches(self, since: datetime, without_results: bool, limit: int) -> list[SearchCount]:
        """The searches made since ``since`` (by folded text), most made first, then by text; only those
        whose latest search found nothing if ``without_results``."""
        ...


class SignalRepository(Protocol):
    async def claim(self, action_id: str) -> bool:
        """Whether the action is new to the signals (it is remembered with this unit of work)."""
        ...

    def shopper(self, actor: str) -> Shopper:
        """The shopper whose signals this unit of work changes: its events go out with the commit."""
        ...

    async def recent_products(self, actor: str, kind: ActionKind, limit: int) -> list[str]:
        """The products the actor's latest actions of ``kind`` were about, latest first, each once."""
        ...

    async def add_interest(self, actor: str, product_id: str, kind: ActionKind, at: datetime) -> None:
        """Count one action of ``kind`` by the actor about the product (its latest moment is kept)."""
        ...

    async def add_taste(self, actor: str, dimension: Dimension, value: str, weight: float) -> None:
        """Add ``weight`` to the actor's affinity with a category or a brand."""
        ...

    async def add_pairs(self, kind: PairKind, product_id: str, others: Sequence[str]) -> None:
        """Count the product once more together with each of ``others``, both ways."""
        ...

    async def add_product_day(
        self, product_id: str, day: date, category_path: Sequence[str], brand: str, views: int, units: int
    ) -> None:
        """Add to the product's views and units sold on ``day`` (its category and brand as now)."""
        ...

    async def remember_order(self, order_id: str, customer_id: str, lines: Sequence[tuple[str, int]]) -> None:
        """Keep a placed order's customer and lines (product id, quantity); the first ones kept stay."""
        ...

    async def remember_payment(self, order_id: str, event_id: str, paid_at: datetime) -> None:
        """Keep that the order was paid (by the event ``event_id``); the first payment kept stays. It may
        come before the order's placement (a consumer can see them in either order)."""
        ...

    async def order(self, order_id: str) -> RememberedOrder | None:
        """What is known of the order: its customer and lines once placed, its payment once paid."""
        ...

    async def reassign(self, from_actor: str, to_actor: str) -> None:
        """Fold the interests and affinities of ``from_actor`` into ``to_actor``'s (summed), and forget
        ``from_actor``."""
        ...

    async def erase(self, actor: str) -> None:
        """Forget the actor's interests, affinities and remembered orders (counts over many shoppers,
        pairs and daily figures, keep no trace of who made them and stay)."""
        ...

    # What the recommendations read (``ports.recommendations.ShopperSignals``).
    async def profile(self, actor: str) -> ShopperProfile: ...

    async def neighbours(self, kind: PairKind, product_ids: Sequence[str], limit: int) -> list[Ranked]:
        """The products counted together with any of ``product_ids`` (not those), by summed count, most
        first, then by id."""
        ...

    async def top_products(
        self, since: date, measure: str, category_id: str | None, brand: str | None, limit: int
    ) -> list[Ranked]:
        """Products by their ``measure`` ("units" or "views") summed from ``since`` on, in the category
        (or under it) and of the brand when given; most first, then by id; none with a sum of 0."""
        ...

    async def active_categories(self, since: date, limit: int) -> list[str]:
        """Categories (at every level) of the products viewed or sold since ``since``, busiest first."""
        ...


class SignalsUnitOfWork(UnitOfWork, Protocol):
    signals: SignalRepository
