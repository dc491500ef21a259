"""The Elasticsearch layout the search index asks for, per analysis: what runs on the integ-test-zip of the
tests (basic), and the stemmed sub-fields and synonyms of a full cluster (rich), which no server here has."""

from __future__ import annotations

import pytest

from adapters.elasticsearch.mapping import (
    STEMMED,
    SYNONYMS_ANALYZER,
    SYNONYMS_FILTER,
    index_settings,
    product_mappings,
)
from config.settings import SettingsError, load_settings, synonym_groups

LAYOUT = {"shards": 1, "replicas": 0, "refresh_interval": "1s"}


def test_basic_analysis_uses_only_built_in_analyzers_and_ignores_synonyms() -> None:
    settings = index_settings("basic", synonyms=("phone, smartphone",), **LAYOUT)
    assert "analysis" not in settings
    title = product_mappings("basic", synonyms=True)["properties"]["title"]
    assert title == {"type": "text", "analyzer": "whitespace"}


def test_rich_analysis_searches_the_stemmed_sub_fields_through_the_synonyms() -> None:
    settings = index_settings("rich", synonyms=("phone, smartphone", "tee, t-shirt"), **LAYOUT)
    analysis = settings["analysis"]
    assert analysis["filter"][SYNONYMS_FILTER]["synonyms"] == ["phone, smartphone", "tee, t-shirt"]
    assert SYNONYMS_FILTER in analysis["analyzer"][SYNONYMS_ANALYZER]["filter"]
    stemmed = product_mappings("rich", synonyms=True)["properties"]["title"]["fields"][STEMMED]
    assert stemmed == {"type": "text", "analyzer": "marketplace_stemmed", "search_analyzer": SYNONYMS_ANALYZER}


def test_rich_analysis_without_synonyms_has_no_synonym_filter() -> None:
    settings = index_settings("rich", **LAYOUT)
    assert SYNONYMS_FILTER not in settings["analysis"]["filter"]
    assert "search_analyzer" not in product_mappings("rich")["properties"]["title"]["fields"][STEMMED]


def test_synonym_groups_are_read_from_the_setting() -> None:
    settings = load_settings({"MARKETPLACE_SEARCH_SYNONYMS": " Phone, smartphone ;tee,T-shirt; "})
    assert synonym_groups(settings.search_synonyms) == ("phone, smartphone", "tee, t-shirt")


@pytest.mark.parametrize("value", ["phone", "phone, smart{phone}", "a, b; c"])
def test_a_bad_synonym_group_is_refused_with_the_setting_named(value: str) -> None:
    with pytest.raises(SettingsError, match="MARKETPLACE_SEARCH_SYNONYMS"):
        load_settings({"MARKETPLACE_SEARCH_SYNONYMS": value})
