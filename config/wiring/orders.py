"""The orders context's wiring (filled in by the orders work)."""

from __future__ import annotations

from config.runtime import Wiring


def register(w: Wiring) -> None:
    pass
