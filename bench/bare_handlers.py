"""The floor the hot-path benchmark compares the shop with: bare aiohttp handlers doing the same I/O.

    python -m bench.bare_handlers --port P --card-json FILE --search-json FILE \
        [--redis-url URL --card-key KEY --session-key KEY --products-dsn DSN --ratings-dsn DSN \
         --users-dsn DSN --product-id ID --user-id ID]

A few lines each, as a developer would write them with no framework of ours around them:

- ``GET /fixed/card`` and ``GET /fixed/search``: a fixed JSON document (the shop's own answer, read
  once at start) through ``web.json_response``;
- ``GET /redis/card``: the bytes of ONE Redis GET (the card's cached JSON) as the body;
- ``GET /pg/card``: what a card read from the databases must do at the least: ONE asyncpg query for the
  product's row, and ONE for its rating in the ratings database (where the reviews context keeps it),
  answered as JSON;
- ``GET /io/me``: what ``GET /api/v1/me`` must do at the least: ONE Redis GET (the session) and ONE
  asyncpg query (the account), answered as JSON.

Run by ``bench.hot_path`` as a process of its own, never imported by the shop.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from aiohttp import web


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def make_app(args: argparse.Namespace) -> web.Application:
    with open(args.card_json) as f:
        card = json.load(f)
    with open(args.search_json) as f:
        search = json.load(f)
    app = web.Application()

    async def fixed_card(_: web.Request) -> web.Response:
        return web.json_response(card)

    async def fixed_search(_: web.Request) -> web.Response:
        return web.json_response(search)

    app.router.add_get("/fixed/card", fixed_card)
    app.router.add_get("/fixed/search", fixed_search)
    if args.redis_url:
        import asyncpg
        import redis.asyncio as aioredis

        state: dict[str, Any] = {}

        async def open_clients(app: web.Application) -> None:
            state["redis"] = aioredis.from_url(args.redis_url)
            state["products"] = await asyncpg.create_pool(args.products_dsn, min_size=4, max_size=10)
            state["ratings"] = await asyncpg.create_pool(args.ratings_dsn, min_size=4, max_size=10)
            state["users"] = await asyncpg.create_pool(args.users_dsn, min_size=4, max_size=10)

        async def close_clients(app: web.Application) -> None:
            await state["redis"].aclose()
            await state["products"].close()
            await state["ratings"].close()
            await state["users"].close()

        async def redis_card(_: web.Request) -> web.Response:
            raw = await state["redis"].get(args.card_key)
            return web.Response(body=raw, content_type="application/json")

        async def pg_card(_: web.Request) -> web.Response:
            row = await state["products"].fetchrow("SELECT * FROM products.cards WHERE id = $1", args.product_id)
            rating = await state["ratings"].fetchrow(
                "SELECT stars FROM ratings.ratings WHERE subject_type = 'product' AND subject_id = $1", args.product_id
            )
            card = {k: _jsonable(v) for k, v in row.items()}
            return web.json_response({**card, "stars": None if rating is None else list(rating["stars"])})

        async def io_me(_: web.Request) -> web.Response:
            session = await state["redis"].get(args.session_key)
            row = await state["users"].fetchrow(
                "SELECT id, email, roles, created_at FROM auth.accounts WHERE id = $1", args.user_id
            )
            return web.json_response({"session": len(session or b""), **{k: _jsonable(v) for k, v in row.items()}})

        app.on_startup.append(open_clients)
        app.on_cleanup.append(close_clients)
        app.router.add_get("/redis/card", redis_card)
        app.router.add_get("/pg/card", pg_card)
        app.router.add_get("/io/me", io_me)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--card-json", required=True)
    parser.add_argument("--search-json", required=True)
    for name in (
        *("redis-url", "card-key", "session-key"),
        *("products-dsn", "ratings-dsn", "users-dsn", "product-id", "user-id"),
    ):
        parser.add_argument(f"--{name}", default="")
    arguments = parser.parse_args()
    web.run_app(make_app(arguments), host="127.0.0.1", port=arguments.port, access_log=None, print=None)
