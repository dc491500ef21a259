"""How SQL reaches ClickHouse: the engine embedded in this process (chdb), or a server (clickhouse-connect).

Both take the same SQL, with ClickHouse's own query parameters (``{name:Type}``, bound by the engine, never
pasted into the text), and answer rows as dicts. chdb is synchronous: its calls run in a worker thread, one
at a time (a session is not safe to share between threads), so the event loop never waits on a query.
chdb holds one data path per process: the runtimes of one process (tests build many) share it, each in a
database of its own.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import orjson

from core.shared.errors import Unavailable

log = logging.getLogger(__name__)


class ClickHouseClient(Protocol):
    async def command(self, sql: str) -> None: ...

    async def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None: ...

    async def select(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...

    async def close(self) -> None: ...


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    raise TypeError(f"cannot write {type(value).__name__} to ClickHouse")


def sql_value(value: Any) -> Any:
    """A query parameter as both clients send it: a moment as ClickHouse's DateTime64(3) text."""
    return _json_default(value) if isinstance(value, datetime) else value


_LOCK = threading.Lock()  # chdb's session serves one query at a time
_current: list[Any] = []  # [path, session] of the process's session, once opened


def _session(path: str | None) -> Any:
    """The process's chdb session on ``path`` (None: a temporary one). chdb holds one data path per process:
    asking for another closes the first (a process of the shop only ever asks for one; a test process may
    hold runtimes of several). Called under ``_LOCK``."""
    from chdb import session as chdb_session

    if _current and _current[0] != path:
        log.warning("chdb: closing the store at %s to open %s (one data path per process)", _current[0], path)
        _current.pop().close()
        _current.clear()
    if not _current:
        opened = chdb_session.Session(path) if path else chdb_session.Session()  # type: ignore[no-untyped-call]
        _current.extend([path, opened])
    return _current[1]


class EmbeddedClickHouse:
    """ClickHouse in this process (chdb), its data under ``path``."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def _run(self, sql: str, fmt: str = "JSONEachRow", params: dict[str, Any] | None = None) -> str:
        with _LOCK:
            try:
                result = _session(self.path).query(sql, fmt, params=params or {})
            except Exception as exc:  # chdb raises its own RuntimeError: a bad query is a bug, said as such
                raise RuntimeError(f"chdb: {exc}") from exc
        return str(result)

    async def command(self, sql: str) -> None:
        await asyncio.to_thread(self._run, sql, "CSV")

    async def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        lines = b"\n".join(orjson.dumps(dict(zip(columns, row, strict=True)), default=_json_default) for row in rows)
        await asyncio.to_thread(self._run, f"INSERT INTO {table} FORMAT JSONEachRow\n{lines.decode()}", "CSV")

    async def select(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        bound = {name: sql_value(value) for name, value in params.items()}
        text = await asyncio.to_thread(self._run, sql, "JSONEachRow", bound)
        return [orjson.loads(line) for line in text.splitlines() if line]

    async def close(self) -> None:
        return None  # the session is the process's: it ends with the process


class ServerClickHouse:
    """A ClickHouse server over HTTP (clickhouse-connect's async client), at ``url``
    (``http://user:password@host:8123``)."""

    def __init__(self, url: str, timeout_seconds: float) -> None:
        self.url, self.timeout_seconds = url, timeout_seconds
        self._client: Any = None

    async def _connected(self) -> Any:
        if self._client is None:
            import clickhouse_connect

            try:
                self._client = await clickhouse_connect.get_async_client(
                    dsn=self.url, connect_timeout=self.timeout_seconds, send_receive_timeout=self.timeout_seconds
                )
            except Exception as exc:
                raise Unavailable(f"ClickHouse at {self.url} is unavailable: {exc!r}") from exc
        return self._client

    async def command(self, sql: str) -> None:
        client = await self._connected()
        await client.command(sql)

    async def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        client = await self._connected()
        try:
            await client.insert(table, [list(row) for row in rows], column_names=list(columns))
        except OSError as exc:
            raise Unavailable(f"ClickHouse at {self.url} is unavailable: {exc!r}") from exc

    async def select(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        client = await self._connected()
        bound = {name: sql_value(value) for name, value in params.items()}
        try:
            result = await client.query(sql, parameters=bound)
        except OSError as exc:
            raise Unavailable(f"ClickHouse at {self.url} is unavailable: {exc!r}") from exc
        return list(result.named_results())

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
