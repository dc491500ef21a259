"""Routes of the logistics context."""

from __future__ import annotations

from entrypoints.http.routing import Endpoint

ENDPOINTS: list[Endpoint] = []
