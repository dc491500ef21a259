"""Typed keys of what the gateway keeps on the application and on each request."""

from __future__ import annotations

from typing import Any

from aiohttp import web

RUNTIME_KEY: web.AppKey[Any] = web.AppKey("runtime")
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id")
CLIENT_ADDRESS: web.RequestKey[str] = web.RequestKey("client_address")
