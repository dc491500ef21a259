"""What the orchestrator's sagas need from the outside world (besides the desks of ports.checkout)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.pagination import Page, PageRequest
from ports.shared import UnitOfWork

if TYPE_CHECKING:
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
