"""The search context: the in-memory index on both profiles until the Elasticsearch adapter arrives.

The index is a read model fed by the search consumer, so it needs no database; the consumer's inbox
stays in memory with it (a restart empties both, and the events refill them together).
"""

from __future__ import annotations

from adapters.memory.search_index import MemorySearchIndex
from config.runtime import Wiring
from core.search import use_cases as uc
from ports.search import SearchIndex


def register(w: Wiring) -> None:
    w.container.register(SearchIndex, instance=MemorySearchIndex())
    w.use_cases(
        uc.IndexPublishedProduct,
        uc.RemoveUnpublishedProduct,
        uc.UpdateIndexedAvailability,
        uc.UpdateIndexedImage,
        uc.IndexVerifiedSeller,
        uc.IndexStorefront,
        uc.DelistSuspendedSeller,
        uc.RelistReinstatedSeller,
        uc.SearchProducts,
        uc.SuggestCompletions,
        uc.SearchSellers,
    )
