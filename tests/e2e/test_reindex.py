"""Rebuilding the search index from the products and sellers contexts (``marketplace reindex``).

An index that lost everything (a new cluster, a mapping change) is refilled from the catalogue's published
cards and the sellers' storefronts, on both profiles: the same answers as before, stock and images of now.
On infra the command itself runs as an operator would, in a process of its own, while the shop serves.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from core.search.use_cases import RebuildSearchIndex
from ports.search import SearchIndex
from tests.support.http import ApiClient
from tests.support.processes import settings_env
from tests.support.server import ServerThread


def a_shop(api: ApiClient, server: ServerThread) -> None:
    from features.steps.accounts import World
    from features.steps.catalog import Catalog, a_category, has_published
    from features.steps.sellers import verified_seller

    world = World(api, server)
    catalog = Catalog(world)
    verified_seller(world, "potter@example.com")
    a_category(catalog, "Kitchen")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 7)
    has_published(catalog, "potter@example.com", "Green Teapot", "Potter", "Kitchen", "27.00", "EUR", 0)


def answers(api: ApiClient) -> dict[str, Any]:
    products = api.get("/api/v1/search/products?q=teapot&sort=price_asc")
    sellers = api.get("/api/v1/search/sellers?q=potter")
    assert products.status == sellers.status == 200
    return {
        "products": [(item["title"], item["available"]) for item in products.body["items"]],
        "sellers": [item["display_name"] for item in sellers.body["items"]],
    }


async def _lose_everything(server: ServerThread) -> None:
    index: Any = server.runtime.resolve(SearchIndex)
    if server.settings.uses_infra:
        from tests.support.elasticsearch import empty_indexes

        await empty_indexes(index)
    else:
        index.clear()


def test_a_lost_index_is_rebuilt_from_the_catalogue_and_the_sellers(api: ApiClient, server: ServerThread) -> None:
    a_shop(api, server)
    before = answers(api)
    assert before == {"products": [("Blue Teapot", 7), ("Green Teapot", 0)], "sellers": ["Potter's Shop"]}

    server.call(_lose_everything(server))
    assert answers(api) == {"products": [], "sellers": []}

    rebuilt = server.call(server.runtime.resolve(RebuildSearchIndex)())
    assert (rebuilt.products, rebuilt.sellers) == (2, 1)
    assert answers(api) == before


@pytest.mark.infra
@pytest.mark.parametrize("server", ["infra"], indirect=True)  # on memory the index lives in the serving process
def test_marketplace_reindex_swaps_in_a_new_index_while_the_shop_serves(api: ApiClient, server: ServerThread) -> None:
    a_shop(api, server)
    before = answers(api)
    server.call(_lose_everything(server))
    env = settings_env(server.settings)
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "reindex"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "search index rebuilt: 2 product(s), 1 storefront(s)" in done.stdout
    assert "products  [##############################] 2/2" in done.stderr  # the bar, ended full
    assert answers(api) == before
