"""How the product and seller indexes are laid out, and which text analysis the cluster allows.

Text is indexed as ``core.search.text`` analyses it: its words, folded, joined by single spaces, under the
built-in ``whitespace`` analyzer. The index then holds exactly the terms the memory index holds and the core
puts in queries (no case, no accents, "Straße" as "strasse") with nothing beyond Elasticsearch's core
modules: the integ-test-zip the tests run on has no analysis-common (no asciifolding, stemmers, edge_ngram).

Where the cluster has analysis-common ("rich" analysis), each text field also gets a ``stemmed`` sub-field
(asciifolding, then the English stemmer): "speakers" finds "speaker", "orsted" finds "Ørsted"; with the
synonym groups of the settings, searched through them. Which one a
cluster allows is found at start-up and before a rebuild (``detect_analysis``, logged), and an index keeps
the one it was made with in its ``_meta``: queries use the sub-field only where the live index has it.

Besides the searched text, a document carries what filters, facets, sort orders and suggestions read (ids,
folded keys and spellings, price, stock, rating, publication time) and, under ``document``, the indexed
``ProductDocument`` itself (stored, not indexed), which is what reads give back.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from elasticsearch import AsyncElasticsearch, BadRequestError

from core.search.model import FIELD_BOOSTS

log = logging.getLogger(__name__)

# Raise it when the mapping below changes: an index made with an older one keeps working as it was, and
# start-up warns that a reindex would bring the change in.
MAPPING_VERSION = 1

Analysis = Literal["basic", "rich"]
STEMMED = "stemmed"  # the sub-field of each text field under rich analysis

# Only in rich analysis: the text is folded already, so asciifolding adds only what Unicode decomposition
# leaves alone ("ø", "æ", "ł"), and the stemmer joins the forms of a word.
_RICH_ANALYSIS: dict[str, Any] = {
    "filter": {"marketplace_english": {"type": "stemmer", "language": "english"}},
    "analyzer": {
        "marketplace_stemmed": {
            "type": "custom",
            "tokenizer": "whitespace",
            "filter": ["asciifolding", "marketplace_english"],
        }
    },
}

# Rich analysis with synonyms (``MARKETPLACE_SEARCH_SYNONYMS``): the stemmed sub-field is searched through
# them, so "phone" finds "smartphone" where a group says they mean the same. They apply at search time, to
# the stemmed sub-field only (the words as typed still count more); a change of the groups takes a reindex.
SYNONYMS_FILTER = "marketplace_synonyms"
SYNONYMS_ANALYZER = "marketplace_stemmed_synonyms"


def _rich_analysis(synonyms: tuple[str, ...]) -> dict[str, Any]:
    if not synonyms:
        return _RICH_ANALYSIS
    return {
        "filter": {
            **_RICH_ANALYSIS["filter"],
            SYNONYMS_FILTER: {"type": "synonym_graph", "synonyms": list(synonyms), "lenient": True},
        },
        "analyzer": {
            **_RICH_ANALYSIS["analyzer"],
            SYNONYMS_ANALYZER: {
                "type": "custom",
                "tokenizer": "whitespace",
                "filter": ["asciifolding", SYNONYMS_FILTER, "marketplace_english"],
            },
        },
    }


_KEYWORD: dict[str, Any] = {"type": "keyword"}
_COUNTED: dict[str, Any] = {"type": "keyword", "index": False}  # read by aggregations (doc values), never searched


async def detect_analysis(client: AsyncElasticsearch) -> Analysis:
    """``rich`` when the cluster can run the rich analyzer (it has analysis-common), else ``basic``."""
    analyzer = _RICH_ANALYSIS["analyzer"]["marketplace_stemmed"]
    try:
        await client.indices.analyze(
            tokenizer=analyzer["tokenizer"],
            filter=["asciifolding", _RICH_ANALYSIS["filter"]["marketplace_english"]],
            text="speakers",
        )
    except BadRequestError as error:
        reason = error.body.get("error", {}).get("reason") if isinstance(error.body, dict) else None
        log.info("search analysis: basic (folded words, no stemming: the cluster lacks analysis-common: %s)", reason)
        return "basic"
    log.info("search analysis: rich (folded words, and an English-stemmed sub-field of each text field)")
    return "rich"


def _text(analysis: Analysis, synonyms: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"type": "text", "analyzer": "whitespace"}
    if analysis == "rich":
        stemmed: dict[str, Any] = {"type": "text", "analyzer": "marketplace_stemmed"}
        if synonyms:
            stemmed["search_analyzer"] = SYNONYMS_ANALYZER
        field["fields"] = {STEMMED: stemmed}
    return field


def index_settings(
    analysis: Analysis,
    *,
    shards: int,
    replicas: int,
    refresh_interval: str,
    translog_durability: str = "request",
    synonyms: tuple[str, ...] = (),
) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "refresh_interval": refresh_interval,
        "translog.durability": translog_durability,
    }
    if analysis == "rich":
        settings["analysis"] = _rich_analysis(synonyms)
    return settings


def _meta(analysis: Analysis) -> dict[str, Any]:
    return {"mapping": MAPPING_VERSION, "analysis": analysis}


def product_mappings(analysis: Analysis, synonyms: bool = False) -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "_meta": _meta(analysis),
        "properties": {
            "product_id": _KEYWORD,
            "seller_id": _KEYWORD,
            "categories": _KEYWORD,  # the product's category and every ancestor
            "brand_key": _KEYWORD,  # folded: what the brand filter and facet group by
            "brand_written": _COUNTED,  # as written: the facet shows the spelling most products use
            "title_key": _COUNTED,  # folded and as written: the title suggestions
            "title_written": _COUNTED,
            **{field: _text(analysis, synonyms) for field in FIELD_BOOSTS},
            "currency": _KEYWORD,
            "price": {"type": "long"},  # minor units: the price filter and sort orders
            # Major units (amount / 10^minor units): one set of price facet buckets serves every currency.
            "price_major": {"type": "double", "index": False},
            "available": {"type": "integer"},
            "rating": {"type": "double"},
            "review_count": {"type": "integer"},
            "published": {"type": "long"},  # microseconds since the epoch, as positions carry it
            "suggest_weight": {"type": "integer", "index": False},  # 1 + reviews: a title's popularity
            "removed": {"type": "boolean"},  # a tombstone (only in an index being built; see lifecycle)
            "document": {"type": "object", "enabled": False},
        },
    }


def seller_mappings(analysis: Analysis) -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "_meta": _meta(analysis),
        "properties": {
            "seller_id": _KEYWORD,
            "display_name": {"type": "text", "analyzer": "whitespace"},
            "name_key": _KEYWORD,
            "listed": {"type": "boolean"},
            "document": {"type": "object", "enabled": False},
        },
    }
