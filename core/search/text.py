"""How text becomes search terms: the one analysis every index adapter applies to documents and queries.

Words are runs of letters and digits; case and accents do not matter ("Café" and "CAFE" are the same
term, "Straße" is "strasse"). The Elasticsearch adapter indexes the words this analysis gives, joined by
spaces, under the whitespace analyzer, so both indexes hold the very terms the queries carry.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """``text`` without accents, in case-folded form: what two spellings must share to be the same term."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The terms of ``text``, in order, repeats kept (a repeat counts towards the term's frequency)."""
    return _WORD.findall(fold(text))
