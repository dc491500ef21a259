"""Typed keys of what the gateway keeps on the application and on each request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from config.runtime import Runtime

RUNTIME_KEY: web.AppKey[Runtime] = web.AppKey("runtime")
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id")

# A browser's session: its token in an HttpOnly cookie (page scripts cannot read it), and every change the
# cookie authenticates carries the session's CSRF token in this header (a page elsewhere cannot know it).
SESSION_COOKIE = "marketplace_session"
CSRF_HEADER = "X-CSRF-Token"

# The header a guest sends their cart token in: the cart routes find the cart by it, and the activity of
# a guest is followed by it until they log in.
CART_HEADER = "X-Cart-Token"
