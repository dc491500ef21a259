"""Settings for a test's app: the memory profile with cheap argon2 parameters (the tests exercise the
logic, bench/ measures the real cost)."""

from __future__ import annotations

from config.settings import Settings, load_settings

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


def memory_settings(**overrides: object) -> Settings:
    return load_settings({}, **{**FAST_HASHING, **overrides})
