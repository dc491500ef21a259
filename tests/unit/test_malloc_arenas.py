"""The C allocator's arena limit (adapters.system.limit_malloc_arenas), set by every process at bootstrap.

What it is for, a process's RSS that creeps while its Python heap is flat, shows only in a long run
(python -m bench.soak); here, that the limit is set on this machine's glibc, left alone when 0, and that the
setting takes it.
"""

from __future__ import annotations

import platform

import pytest

from adapters.system import limit_malloc_arenas
from config.settings import SettingsError, load_settings


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's arena limit is glibc's")
def test_the_limit_is_set_on_glibc_and_left_alone_at_0() -> None:
    assert limit_malloc_arenas(2) is True
    assert limit_malloc_arenas(0) is False


def test_two_arenas_by_default_and_the_setting_changes_it() -> None:
    assert load_settings({}).malloc_arena_max == 2
    assert load_settings({"MARKETPLACE_MALLOC_ARENA_MAX": "0"}).malloc_arena_max == 0
    with pytest.raises(SettingsError, match="MARKETPLACE_MALLOC_ARENA_MAX"):
        load_settings({"MARKETPLACE_MALLOC_ARENA_MAX": "-1"})
