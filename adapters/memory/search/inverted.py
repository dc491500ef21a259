"""An inverted index over a few full-text fields, scoring BM25 per field as Lucene does.

Each field keeps its postings (term -> document -> term frequency) and its document lengths, so a
term's rarity and a field's length are judged within that field: a word in a short title weighs more
than the same word in a long description, and the field's boost multiplies its share of the score.
"""

from __future__ import annotations

import bisect
import math
import sys
from collections.abc import Iterable, Mapping

from core.search.model import PREFIX_EXPANSIONS, Term
from core.search.text import words

K1 = 1.2
B = 0.75


class InvertedIndex:
    def __init__(self, boosts: Mapping[str, float]) -> None:
        self.boosts = dict(boosts)
        self.postings: dict[str, dict[str, dict[str, int]]] = {field: {} for field in boosts}
        self.lengths: dict[str, dict[str, int]] = {field: {} for field in boosts}
        self.total_length: dict[str, int] = dict.fromkeys(boosts, 0)
        self.vocabulary: list[str] = []  # every term of every field, sorted: prefixes are ranges of it
        self._terms: dict[str, tuple[str, ...]] = {}  # document -> its distinct terms (to remove it)
        self._norms: dict[str, dict[str, float]] = {}  # field -> document -> BM25 length norm; reset by writes

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._terms

    def add(self, doc_id: str, texts: Mapping[str, str]) -> None:
        """Index the document's fields (a document already there is replaced)."""
        if doc_id in self._terms:
            self.remove(doc_id)
        self._norms.clear()
        distinct: set[str] = set()
        for field, text in texts.items():
            terms = [sys.intern(t) for t in words(text)]
            if not terms:
                continue
            self.lengths[field][doc_id] = len(terms)
            self.total_length[field] += len(terms)
            postings = self.postings[field]
            for term in terms:
                if term not in distinct and not self._known(term):
                    bisect.insort(self.vocabulary, term)
                distinct.add(term)
                docs = postings.get(term)
                if docs is None:
                    postings[term] = {doc_id: 1}
                else:
                    docs[doc_id] = docs.get(doc_id, 0) + 1
        self._terms[doc_id] = tuple(distinct)

    def remove(self, doc_id: str) -> None:
        terms = self._terms.pop(doc_id, None)
        if terms is None:
            return
        self._norms.clear()
        for field, postings in self.postings.items():
            length = self.lengths[field].pop(doc_id, 0)
            self.total_length[field] -= length
            if not length:
                continue
            for term in terms:
                docs = postings.get(term)
                if docs is not None and docs.pop(doc_id, None) is not None and not docs:
                    del postings[term]
        for term in terms:
            if not self._known(term):
                del self.vocabulary[bisect.bisect_left(self.vocabulary, term)]

    def _known(self, term: str) -> bool:
        return any(term in postings for postings in self.postings.values())

    def _frequency(self, term: str, fields: Iterable[str]) -> int:
        return sum(len(self.postings[f].get(term, ())) for f in fields)

    def expand(self, term: Term, fields: Iterable[str] | None = None) -> list[str]:
        """The indexed words ``term`` stands for: itself, or for a prefix the most frequent words it starts."""
        fields = list(self.boosts if fields is None else fields)
        if not term.prefix:
            return [term.text] if self._frequency(term.text, fields) else []
        start = bisect.bisect_left(self.vocabulary, term.text)
        found: list[str] = []
        for word in self.vocabulary[start:]:
            if not word.startswith(term.text):
                break
            if self._frequency(word, fields):
                found.append(word)
        if len(found) > PREFIX_EXPANSIONS:
            found.sort(key=lambda w: (-self._frequency(w, fields), w))
            found = found[:PREFIX_EXPANSIONS]
        return found

    def matching(self, terms: Iterable[Term], fields: Iterable[str] | None = None) -> set[str] | None:
        """Documents holding every term in one of ``fields`` (all fields by default); None when there
        are no terms (everything matches)."""
        fields = list(self.boosts if fields is None else fields)
        result: set[str] | None = None
        for term in sorted(terms, key=lambda t: t.prefix):  # exact words narrow fastest
            docs: set[str] = set()
            for word in self.expand(term, fields):
                for field in fields:
                    docs.update(self.postings[field].get(word, ()))
            result = docs if result is None else result & docs
            if not result:
                return set()
        return result

    def _idf(self, field: str, word: str) -> float:
        count = len(self.lengths[field])
        frequency = len(self.postings[field].get(word, ()))
        return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))

    def _field_norms(self, field: str) -> dict[str, float]:
        """k1 x (1 - b + b x length / average length) of each document: how its field's length tempers
        a term's frequency."""
        norms = self._norms.get(field)
        if norms is None:
            lengths = self.lengths[field]
            average = self.total_length[field] / len(lengths) if lengths else 1.0
            norms = {d: K1 * (1 - B + B * n / average) for d, n in lengths.items()}
            self._norms[field] = norms
        return norms

    def _word_scores(self, word: str, doc_ids: set[str]) -> dict[str, float]:
        scores: dict[str, float] = {}
        for field, boost in self.boosts.items():
            docs = self.postings[field].get(word)
            if not docs:
                continue
            weight = boost * self._idf(field, word) * (K1 + 1)
            norms = self._field_norms(field)
            pairs = docs.items() if len(docs) <= len(doc_ids) else ((d, docs[d]) for d in doc_ids if d in docs)
            for doc_id, tf in pairs:
                if doc_id in doc_ids:
                    scores[doc_id] = scores.get(doc_id, 0.0) + weight * tf / (tf + norms[doc_id])
        return scores

    def scores(self, terms: Iterable[Term], doc_ids: Iterable[str]) -> dict[str, float]:
        """The relevance of each of ``doc_ids``: per term, the sum over fields of boost x BM25; a prefix
        term counts as the best-scoring word it stands for."""
        wanted = set(doc_ids)
        total = dict.fromkeys(wanted, 0.0)
        for term in terms:
            best: dict[str, float] = {}
            for word in self.expand(term):
                for doc_id, score in self._word_scores(word, wanted).items():
                    if score > best.get(doc_id, 0.0):
                        best[doc_id] = score
            for doc_id, score in best.items():
                total[doc_id] += score
        return total
