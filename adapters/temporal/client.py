"""One Temporal client per process, connected at its first use (a process that never runs a saga never
connects) and shared by the engine and the worker."""

from __future__ import annotations

import asyncio

from temporalio.client import Client
from temporalio.service import RPCError

from core.shared.errors import Unavailable


class TemporalConnection:
    def __init__(self, address: str, namespace: str) -> None:
        self.address, self.namespace = address, namespace
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def client(self) -> Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    try:
                        self._client = await Client.connect(self.address, namespace=self.namespace)
                    except (RPCError, RuntimeError) as error:  # the SDK's core raises RuntimeError on connect
                        raise Unavailable(f"temporal at {self.address} does not answer: {error}") from error
        return self._client


class TemporalHealth:
    """Readiness: the frontend answers."""

    def __init__(self, name: str, connection: TemporalConnection) -> None:
        self.name, self.connection = name, connection

    async def check(self) -> None:
        client = await self.connection.client()
        if not await client.service_client.check_health():
            raise Unavailable(f"temporal at {self.connection.address} is not serving")
