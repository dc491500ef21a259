"""Routes of the orchestrator context."""

from __future__ import annotations

from entrypoints.http.routing import Endpoint

ENDPOINTS: list[Endpoint] = []
