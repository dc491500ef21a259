"""Routes of the orders context."""

from __future__ import annotations

from entrypoints.http.routing import Endpoint

ENDPOINTS: list[Endpoint] = []
