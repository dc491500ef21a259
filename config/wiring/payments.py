"""The payments context's wiring (filled in by the payments work)."""

from __future__ import annotations

from config.runtime import Wiring


def register(w: Wiring) -> None:
    pass
