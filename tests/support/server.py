"""The real app on a loopback port, in a thread of its own, for the feature suites and e2e tests.

Steps are plain synchronous functions (pytest-bdd), so they talk HTTP to a real server like any
client would. The server runs its own event loop; ``call`` runs a coroutine there (to move the clock,
settle the outbox, reset the stores between scenarios).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from adapters.elasticsearch.activity_log import ElasticsearchActivityLog
from adapters.memory.clock import ManualClock
from adapters.tracing import Tracing
from config.container import Runtime, bootstrap
from config.settings import Settings
from entrypoints.http.app import create_app
from ports.activity import ActivityLog

if TYPE_CHECKING:
    from tests.support.sandboxes import SandboxServers

T = TypeVar("T")


class ServerThread:
    """``sandboxes``: the sandbox gateway and carrier serving this shop over HTTP (the infra profile); they
    start with the shop, on its clock, and start afresh with it. ``port`` 0 takes any free port."""

    def __init__(self, settings: Settings, *, port: int = 0, sandboxes: SandboxServers | None = None) -> None:
        self.settings = settings
        self.clock = ManualClock()
        self.loop = asyncio.new_event_loop()
        self.runtime: Runtime | None = None
        self.port = port
        self.sandboxes = sandboxes
        self._thread = threading.Thread(target=self.loop.run_forever, name="marketplace-test-server", daemon=True)
        self._runner: web.AppRunner | None = None
        self.tracing: Tracing | None = None  # what the next runtime records spans with (None: settings.traces)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> ServerThread:
        if self.sandboxes is not None:
            self.sandboxes.start(self.settings, self.clock)
        self._thread.start()
        self.call(self._start())
        return self

    async def _start(self) -> None:
        await self._open()

    async def _open(self) -> None:
        self.runtime = await bootstrap(self.settings, clock=self.clock, tracing=self.tracing)
        self._runner = web.AppRunner(create_app(self.runtime), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]
        self.runtime.start_background()

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self.runtime is not None:
            await self.runtime.close()

    def restart(self) -> None:
        """A fresh runtime on the same port: the memory profile forgets everything."""
        self.call(self._close())
        self.clock = ManualClock()
        if self.sandboxes is not None:
            self.sandboxes.restart(self.clock)
        self.call(self._open())

    def settle(self) -> None:
        """Publish every committed event now, so its consumers have run when this returns, and make what
        they wrote to the activity log searchable (in production it is within a second)."""
        assert self.runtime is not None
        self.call(self.runtime.settle())
        activity = self.runtime.resolve(ActivityLog)
        if isinstance(activity, ElasticsearchActivityLog):
            self.call(activity.refresh_if_written())

    def stop(self) -> None:
        self.call(self._close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if self.sandboxes is not None:
            self.sandboxes.stop()
