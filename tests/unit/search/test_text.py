"""How text becomes terms: the same for documents and queries."""

from __future__ import annotations

import pytest

from core.search.text import fold, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café", "cafe"),
        ("CAFÉ", "cafe"),
        ("Straße", "strasse"),
        ("Ångström", "angstrom"),
        ("İstanbul", "istanbul"),
        ("ﬁne", "fine"),  # a ligature is its letters
        ("Crème Brûlée", "creme brulee"),
    ],
)
def test_case_and_accents_do_not_matter(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_words_are_runs_of_letters_and_digits() -> None:
    assert words("Sony WH-1000XM5: wireless, noise-cancelling (black)") == [
        "sony",
        "wh",
        "1000xm5",
        "wireless",
        "noise",
        "cancelling",
        "black",
    ]


def test_underscores_and_punctuation_separate_words_and_repeats_are_kept() -> None:
    assert words("usb_c -- USB c!") == ["usb", "c", "usb", "c"]


def test_words_of_other_scripts_are_words_too() -> None:
    assert words("Наушники Sony 東京") == ["наушники", "sony", "東京"]


def test_nothing_to_find_in_blank_text() -> None:
    assert words("  -- !! ") == []
