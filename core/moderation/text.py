"""Text as the rules compare it: case- and accent-insensitive, words only.

"Crème BRÛLÉE!" and "creme brulee" fold to the same words, so a banned word cannot hide behind an
accent or a capital, and two listings that differ only in punctuation count as the same title.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"\w+")

# A description shorter than this (in folded words and spaces) is too generic ("Brand new.") for two
# listings sharing it to mean that one copied the other.
DESCRIPTION_KEY_MIN = 40


def fold(text: str) -> str:
    """Lower case without accents: NFKD splits "é" into "e" and a combining mark, which is dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def phrase(text: str) -> str:
    """The folded words of ``text`` joined by single spaces: the key two texts compare equal by."""
    return " ".join(words(text))


def contains_phrase(text: str, wanted: str) -> bool:
    """Whether ``wanted`` (already a ``phrase``) occurs in ``text`` as whole words."""
    return bool(wanted) and f" {wanted} " in f" {phrase(text)} "


def description_key(description: str) -> str | None:
    """A digest of the description's words, or None when it is too short to tell a copy apart."""
    key = phrase(description)
    if len(key) < DESCRIPTION_KEY_MIN:
        return None
    return hashlib.sha256(key.encode()).hexdigest()
