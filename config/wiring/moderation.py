from __future__ import annotations

from datetime import timedelta

from adapters.memory.moderation import MemoryModerationUnitOfWork, ModerationTables
from config.runtime import Wiring
from core.moderation import use_cases as uc
from core.moderation.rules import ModerationPolicy
from ports.moderation import ModerationUnitOfWork

DATABASE = "moderation"


def banned_words(setting: str) -> tuple[str, ...]:
    """The comma-separated setting as a list; blank entries are ignored, so "" disables the rule."""
    return tuple(word.strip() for word in setting.split(",") if word.strip())


def register(w: Wiring) -> None:
    s = w.settings
    c = w.container
    c.register(
        ModerationPolicy,
        instance=ModerationPolicy(
            banned_words=banned_words(s.moderation_banned_words),
            price_ceiling=s.moderation_price_ceiling,
            review_burst_limit=s.review_burst_limit,
            review_burst_window=timedelta(seconds=s.review_burst_window_seconds),
        ),
    )
    if w.infra:
        from adapters.postgres.moderation.repository import PostgresModerationUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(ModerationUnitOfWork, lambda: PostgresModerationUnitOfWork(pool, nudge))
    else:
        tables = ModerationTables()
        w.units_of_work(ModerationUnitOfWork, lambda: MemoryModerationUnitOfWork(tables, w.bus))
    w.use_cases(
        uc.OpenModerationCase,
        uc.WithdrawModerationCase,
        uc.ListModerationCases,
        uc.ShowModerationCase,
        uc.ApproveCase,
        uc.RejectCase,
    )
