"""The moderation settings: the banned words and the price ceiling, read and checked at start-up."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings
from config.wiring.moderation import banned_words
from core.moderation.rules import DEFAULT_BANNED_WORDS, PRICE_CEILING


def test_the_defaults_are_the_built_in_list_and_ceiling() -> None:
    settings = load_settings({})
    assert banned_words(settings.moderation_banned_words) == DEFAULT_BANNED_WORDS
    assert settings.moderation_price_ceiling == PRICE_CEILING


def test_the_word_list_is_comma_separated_and_may_be_empty() -> None:
    settings = load_settings({"MARKETPLACE_MODERATION_BANNED_WORDS": " fake fur, crème brûlée ,,"})
    assert banned_words(settings.moderation_banned_words) == ("fake fur", "crème brûlée")
    assert banned_words(load_settings({"MARKETPLACE_MODERATION_BANNED_WORDS": ""}).moderation_banned_words) == ()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MARKETPLACE_MODERATION_BANNED_WORDS", "counterfeit, !!!"),
        ("MARKETPLACE_MODERATION_PRICE_CEILING", "0"),
        ("MARKETPLACE_MODERATION_PRICE_CEILING", "a lot"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})
