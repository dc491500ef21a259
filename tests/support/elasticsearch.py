"""A real Elasticsearch for the infra tests: its address from the environment, scratch indexes per session.

The indexes of a test session live under a prefix of their own (``test<random>``), so tests never see a
developer's running shop, and are deleted at the end. Making an index costs 0.1-0.3 s (a cluster state
update written to disk), so a session makes its indexes once and tests empty them (``empty_indexes``):
deleting the documents one by one, since the integ-test-zip has no delete_by_query. The server is the one
``scripts/services up`` starts.
"""

from __future__ import annotations

import os
import uuid

import pytest

from adapters.elasticsearch.activity_log import ElasticsearchActivityLog
from adapters.elasticsearch.search_index import ElasticsearchSearchIndex
from core.shared.errors import Unavailable

DEFAULT_URL = "http://127.0.0.1:59200"
# Writes wait for a refresh (refresh=wait_for): a short interval keeps each one short. The indexes are
# thrown away, so neither is a write fsynced (translog durability async).
TEST_REFRESH_INTERVAL = "10ms"


def elasticsearch_url() -> str:
    """Where the real cluster listens (``MARKETPLACE_ELASTICSEARCH_URL``, as the app reads it)."""
    return os.environ.get("MARKETPLACE_ELASTICSEARCH_URL", DEFAULT_URL)


def scratch_prefix() -> str:
    return f"test{uuid.uuid4().hex[:10]}"


async def scratch_search_index(prefix: str | None = None) -> ElasticsearchSearchIndex:
    """A search index under ``prefix`` (a new scratch one by default), its indexes made. Close it after use
    (``delete_indexes`` first, to leave nothing behind).

    Fails the test, never skips it, when Elasticsearch does not answer: an infra test that silently passes
    without its server proves nothing.
    """
    url = elasticsearch_url()
    index = ElasticsearchSearchIndex.at(
        url, prefix or scratch_prefix(), refresh_interval=TEST_REFRESH_INTERVAL, translog_durability="async"
    )
    try:
        await index.check()
        await index.ensure_indexes()
    except Unavailable as error:
        problem = str(error)
    else:
        return index
    await index.close()
    pytest.fail(
        f"Elasticsearch does not answer at {url} ({problem}). Start the test servers with `scripts/services up` "
        "(or point MARKETPLACE_ELASTICSEARCH_URL at a running Elasticsearch 9).",
        pytrace=False,
    )


async def scratch_activity_log(prefix: str | None = None) -> ElasticsearchActivityLog:
    """The activity log under ``prefix`` (a new scratch one by default), its index made with the tests'
    short refresh interval, and ``record`` waiting for it (a test reads what it just recorded)."""
    url = elasticsearch_url()
    activity = ElasticsearchActivityLog.at(
        url,
        prefix or scratch_prefix(),
        refresh_interval=TEST_REFRESH_INTERVAL,
        translog_durability="async",
        wait_for_refresh=True,
    )
    try:
        await activity.check()
        await activity.ensure_index()
    except Unavailable as error:
        await activity.close()
        pytest.fail(f"Elasticsearch does not answer at {url} ({error}). Start it with `scripts/services up`.")
    return activity


async def empty_activity_log(activity: ElasticsearchActivityLog) -> None:
    """Delete every action of the log, visibly to the next read."""
    client = activity.client
    await client.indices.refresh(index=activity.index)
    found = await client.search(index=activity.index, size=10_000, source=False, query={"match_all": {}})
    ids = [hit["_id"] for hit in found["hits"]["hits"]]
    if ids:
        await client.bulk(operations=[{"delete": {"_index": activity.index, "_id": i}} for i in ids], refresh=True)


async def empty_indexes(index: ElasticsearchSearchIndex) -> None:
    """Delete every document of the live indexes, visibly to the next search.

    The deleted documents still count in BM25's collection statistics until their segments merge, so a test
    that compares the scores of different fields wants ``fresh_indexes`` instead."""
    client = index.client
    for alias in (index.products.alias, index.sellers.alias):
        found = await client.search(index=alias, size=10_000, source=False, query={"match_all": {}})
        ids = [hit["_id"] for hit in found["hits"]["hits"]]
        if ids:
            await client.bulk(operations=[{"delete": {"_index": alias, "_id": i}} for i in ids], refresh=True)


async def fresh_indexes(index: ElasticsearchSearchIndex) -> None:
    """Replace the live indexes by new, empty versions (statistics and all), through a rebuild."""
    async with index.rebuild():
        pass
