"""What the orchestrator's sagas need from the outside world (besides the desks of ports.checkout)."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
    from core.orchestrator.commands import Notify
    from core.orchestrator.model import Saga, SagaKind, SagaStatus


class SagaRepository(Protocol):
    async def add(self, saga: Saga) -> None:
        """Store a new saga; raise ``Conflict`` if one with its id exists."""
        ...

    async def get(self, saga_id: str) -> Saga | None: ...

    async def update(self, saga: Saga) -> None:
        """Store the changes and bump ``saga.version``; raise ``Conflict`` if someone else changed the saga
        since it was read (its stored version is no longer ``saga.version``)."""
        ...

    async def list(self, kind: SagaKind | None, status: SagaStatus | None, page: PageRequest) -> Page[Saga]:
        """Sagas (of one kind, one status, or all) oldest first: by (created_at, id)."""
        ...

    async def claim_stalled(self, untouched_since: datetime, now: datetime, limit: int) -> builtins.list[Saga]:
        """At most ``limit`` running sagas last changed before ``untouched_since`` (the longest untouched are
        chosen first), each touched (``updated_at = now``, version bumped) so no other sweeper claims it too."""
        ...


class OrchestratorUnitOfWork(UnitOfWork, Protocol):
    sagas: SagaRepository


class SagaEngine(Protocol):
    """What runs the sagas of core.orchestrator.definition: the built-in runner (state in the orchestrator
    database, driven by the consumers and the sweeper) or Temporal (a workflow per saga). Either records
    every saga in the ``SagaRepository``, which the admin routes and the census read."""

    async def begin(self, saga: Saga) -> bool:
        """Run a new saga; False when one with its id was begun before (a start delivered twice)."""
        ...

    async def begin_again(self, saga_id: str, change: Callable[[Saga], bool]) -> bool:
        """Run an ended saga again once ``change`` reopened it (a refused return sent back once more); False
        when there is no such saga or ``change`` leaves it as it is."""
        ...

    async def tell(self, saga_id: str, news: Notify) -> None:
        """What another context reports, for one saga: it moves on and does its next steps. Nothing happens
        when the saga does not run (none, or ended) or the news is stale."""
        ...

    async def quiet(self) -> None:
        """Until the sagas this process set going have done what they can do now (tests and benchmarks
        settle on it; the built-in runner does a saga's work inside the call that moved it)."""
        ...


@dataclass(frozen=True)
class SagaTally:
    """How many sagas of one kind are at one status and step, and (running ones) since when the one there
    longest has been at that step."""

    kind: str
    status: str
    step: str
    count: int
    oldest_at_step: datetime | None  # None for sagas that ended


class SagaCensus(Protocol):
    """Monitoring's count of the sagas (read outside any unit of work: figures, not decisions)."""

    async def tally(self) -> builtins.list[SagaTally]: ...
