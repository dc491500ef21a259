"""Issue #14, item 4: secrets come from settings only.

Every credential the shop holds (the gateway's and the carrier's keys and webhook secrets, S3's secret, the
upload signing key, the passwords in the database, Redis and ClickHouse URLs) is a setting, read from the
environment by ``config.settings`` and nowhere else; none is written in the code; none shows in a log line
or a repr of the settings; and an infra shop that still has a development credential says so at start.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from config.container import warn_of_development_secrets
from config.settings import DEVELOPMENT_VALUES, PREFIX, Settings, development_secrets, load_settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("adapters", "config", "core", "entrypoints", "ports")
SETTINGS = Path("config/settings.py")
# Who else may read the environment, and why: OpenTelemetry's own variables (OTEL_*), read by its SDK's
# convention, hold no credential of ours.
READS_THE_ENVIRONMENT = {SETTINGS: "the settings", Path("adapters/tracing.py"): "OTEL_SERVICE_NAME"}
# Text under a credential's name that guards nothing, and why.
NOT_CREDENTIALS = {
    (Path("core/auth/use_cases.py"), "_DUMMY_PASSWORD"): "hashed once to spend a login's time on an unknown email",
    (Path("entrypoints/demo.py"), "PASSWORD"): "the demo accounts' password, published in the README",
}
CREDENTIAL_NAME = re.compile(r"secret|password|passwd|api_key|signing_key|token|credential", re.IGNORECASE)
# A password in a URL ("scheme://user:password@host"), but for a placeholder such as that one.
PASSWORD_IN_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?!password@|\*\*\*@)[^@\s/]+@")
# Settings whose value is a credential, or a URL that may carry one.
CREDENTIAL_SETTING = re.compile(r"secret|password|_key$|_dsn$|^redis_url$|^clickhouse_url$")


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT), ast.parse(path.read_text(), str(path))


def _reads_the_environment(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb", "getenvb"}:
        return isinstance(node.value, ast.Name) and node.value.id == "os"
    if isinstance(node, ast.ImportFrom) and node.module == "os":
        return any(alias.name in {"environ", "getenv", "environb", "getenvb"} for alias in node.names)
    return False


def test_only_the_settings_read_the_environment() -> None:
    readers = {path for path, module in _modules() for node in ast.walk(module) if _reads_the_environment(node)}
    assert readers == set(READS_THE_ENVIRONMENT), "read the environment through config.settings.Settings"


def _named_credentials(module: ast.Module) -> Iterator[tuple[int, str]]:
    """Text written in the code for a name or a keyword that holds a credential (``api_key="..."``)."""
    for node in ast.walk(module):
        pairs: list[tuple[str, ast.expr | None]] = []
        if isinstance(node, ast.Assign):
            pairs = [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            pairs = [(node.target.id, node.value)]
        elif isinstance(node, ast.keyword) and node.arg is not None:
            pairs = [(node.arg, node.value)]
        for name, value in pairs:
            text = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""
            if CREDENTIAL_NAME.search(name) and text and not text.isupper():  # a header's name is no secret
                yield node.lineno, name


def test_no_credential_is_written_in_the_code() -> None:
    """The development credentials are the settings' defaults, written once in config/settings.py; anywhere
    else a credential is the settings' value, passed in."""
    written = [
        f"{path}:{line} {name}"
        for path, module in _modules()
        if path != SETTINGS
        for line, name in _named_credentials(module)
        if (path, name) not in NOT_CREDENTIALS
    ]
    urls = [
        f"{path}:{node.lineno}"
        for path, module in _modules()
        if path != SETTINGS
        for node in ast.walk(module)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and PASSWORD_IN_URL.search(node.value)
    ]
    assert written == [], "a credential belongs in config/settings.py, as a setting"
    assert urls == [], "a URL with a password belongs in config/settings.py, as a setting"


def test_the_development_credentials_are_named_only_by_the_settings() -> None:
    names = {f"DEVELOPMENT_{kind}" for kind in ("GATEWAY_KEY", "WEBHOOK_SECRET", "S3_SECRET", "UPLOAD_SIGNING_KEY")}
    users = {
        path
        for path, module in _modules()
        for node in ast.walk(module)
        if (isinstance(node, ast.Name) and node.id in names) or (isinstance(node, ast.alias) and node.name in names)
    }
    assert users == {SETTINGS}


def test_no_credential_shows_in_the_settings_repr() -> None:
    """What a log line or a traceback could print of the settings: every credential set to a marker, and
    every URL given a password, and none of them is in the repr."""
    fields = [f for f in attrs.fields(Settings) if CREDENTIAL_SETTING.search(f.name)]
    assert {f.name for f in fields} >= set(DEVELOPMENT_VALUES) | {"upload_signing_key", "users_db_dsn", "redis_url"}
    environ = {}
    for field in fields:
        if field.name.endswith("_dsn"):
            value = f"postgresql://shop:marker-{field.name}@db.example:5432/{field.name}"
        elif field.name == "redis_url":
            value = "redis://:marker-redis-url@cache.example:6379/0"
        elif field.name == "clickhouse_url":
            value = "http://shop:marker-clickhouse-url@olap.example:8123"
        else:
            value = f"marker-{field.name}-0123456789"
        environ[PREFIX + field.name.upper()] = value
    settings = load_settings(environ)
    shown = repr(settings)
    assert [field.name for field in fields if f"marker-{field.name.replace('_', '-')}" in shown] == []
    assert [field.name for field in fields if f"marker-{field.name}" in shown] == []
    assert "postgresql://shop:***@db.example:5432/users_db_dsn" in shown  # where it points is still shown
    assert settings.users_db_dsn == "postgresql://shop:marker-users_db_dsn@db.example:5432/users_db_dsn"


def test_an_infra_shop_with_development_credentials_says_which_at_start(caplog: pytest.LogCaptureFixture) -> None:
    development = load_settings({}, profile="infra")
    assert development_secrets(development) == [PREFIX + name.upper() for name in DEVELOPMENT_VALUES]
    with caplog.at_level(logging.WARNING, logger="config.container"):
        warn_of_development_secrets(development)
    assert "MARKETPLACE_PAYMENT_WEBHOOK_SECRET" in caplog.text
    assert all(value not in caplog.text for value in DEVELOPMENT_VALUES.values())  # named, never shown

    caplog.clear()
    own = load_settings({}, profile="infra", **{name: f"{name}-of-this-shop-only" for name in DEVELOPMENT_VALUES})
    assert development_secrets(own) == []
    with caplog.at_level(logging.WARNING, logger="config.container"):
        warn_of_development_secrets(own)
    assert caplog.text == ""
