"""Settings for a test's app: the memory profile with cheap argon2 parameters (the tests exercise the
logic, bench/ measures the real cost), and rate limits no test reaches (a suite signs up and checks out
hundreds of times from 127.0.0.1; tests/e2e/test_rate_limits.py sets its own)."""

from __future__ import annotations

from config.settings import RATE_LIMITS, Settings, load_settings

UNLIMITED = ",".join(f"{name}=1000000/1" for name in RATE_LIMITS)
TEST_SETTINGS = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "rate_limits": UNLIMITED}


def memory_settings(**overrides: object) -> Settings:
    return load_settings({}, **{**TEST_SETTINGS, **overrides})


# The same, as the environment of a `marketplace` process.
TEST_ENV = {f"MARKETPLACE_{name.upper()}": str(value) for name, value in TEST_SETTINGS.items()}
