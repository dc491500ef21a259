"""The search context: Elasticsearch on infra, the in-memory index on memory.

The index is a read model fed by the search consumer group, so the context has no database. On infra the
index is shared by every process (two `serve` processes answer the same results, a restart keeps them)
and kept current by `marketplace consume search`; `marketplace reindex` rebuilds it from the products,
sellers and reviews contexts. The group's inbox stays in memory: every write to the index is idempotent
under an in-order replay (a document put whole with a revision guard, availability or ratings set to a
value, a storefront listed or delisted), which is what a redelivery after a crash is. The products'
ratings are read through ``ports.ratings.Ratings``, which the reviews context's wiring registers (after
this one: the container hands it to the use cases when they are first resolved).
"""

from __future__ import annotations

from adapters.memory.search_index import MemorySearchIndex
from config.runtime import Wiring
from config.settings import synonym_groups
from core.search import use_cases as uc
from ports.search import SearchIndex


def register(w: Wiring) -> None:
    index: SearchIndex
    if w.infra:
        from adapters.elasticsearch.search_index import ElasticsearchHealth, ElasticsearchSearchIndex

        elastic = ElasticsearchSearchIndex.at(
            w.settings.elasticsearch_url,
            w.settings.search_index_prefix,
            timeout_seconds=w.settings.elasticsearch_timeout_seconds,
            synonyms=synonym_groups(w.settings.search_synonyms),
        )
        w.runtime.on_close(elastic.close)
        w.runtime.health_checks.append(ElasticsearchHealth("elasticsearch", elastic))
        index = elastic
    else:
        index = MemorySearchIndex()
    w.container.register(SearchIndex, instance=index)
    w.use_cases(
        uc.IndexPublishedProduct,
        uc.RemoveUnpublishedProduct,
        uc.UpdateIndexedAvailability,
        uc.UpdateIndexedImage,
        uc.UpdateIndexedRating,
        uc.IndexVerifiedSeller,
        uc.IndexStorefront,
        uc.DelistSuspendedSeller,
        uc.RelistReinstatedSeller,
        uc.SearchProducts,
        uc.SuggestCompletions,
        uc.SearchSellers,
        uc.RebuildSearchIndex,
    )
