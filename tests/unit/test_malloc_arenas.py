"""The C allocator's upkeep in every process: at most two arenas (adapters.system.limit_malloc_arenas), set at
bootstrap, and the free heap given back every minute (adapters.system.trim_malloc).

What it is for, a process's RSS that creeps while its Python heap is flat, shows only in a long run
(python -m bench.soak); here, that the limit is set on this machine's glibc, left alone when 0, and that the
setting takes it.
"""

from __future__ import annotations

import asyncio

import pytest

from adapters.system import limit_malloc_arenas, trim_malloc
from config.container import MALLOC_TRIM, bootstrap
from config.runtime import CONSUMERS
from config.settings import SettingsError, load_settings
from tests.support.settings import memory_settings


def test_the_limit_is_set_on_glibc_and_left_alone_at_0() -> None:
    assert limit_malloc_arenas(2) is True
    assert limit_malloc_arenas(0) is False


def test_two_arenas_by_default_and_the_setting_changes_it() -> None:
    assert load_settings({}).malloc_arena_max == 2
    assert load_settings({"MARKETPLACE_MALLOC_ARENA_MAX": "0"}).malloc_arena_max == 0
    with pytest.raises(SettingsError, match="MARKETPLACE_MALLOC_ARENA_MAX"):
        load_settings({"MARKETPLACE_MALLOC_ARENA_MAX": "-1"})


def test_freed_heap_memory_goes_back_to_the_system() -> None:
    held = [bytearray(3000) for _ in range(20_000)]  # about 60 MB in malloc's heap, not mmapped
    del held
    assert trim_malloc() is True


async def test_every_process_trims_its_heap_whatever_it_runs() -> None:
    runtime = await bootstrap(memory_settings())
    try:
        assert runtime.periodic[MALLOC_TRIM].every_seconds == 60
        runtime.start_background([CONSUMERS])  # a `consume` process: its groups, and the process's upkeep
        await asyncio.sleep(0)
        assert runtime.periodic[MALLOC_TRIM].done == 1  # its first pass, at start
    finally:
        await runtime.close()
    runtime = await bootstrap(memory_settings(malloc_trim_seconds=0))
    try:
        assert MALLOC_TRIM not in runtime.periodic
    finally:
        await runtime.close()
