"""The seller side of the in-memory search index: storefronts found by their display name."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from adapters.memory.search.inverted import InvertedIndex
from core.search.model import SellerDocument, SellerHit, SellerQuery, SellerResults, seller_ordering

NAME_BOOSTS = {"display_name": 1.0}


class SellerIndex:
    def __init__(self) -> None:
        self.documents: dict[str, SellerDocument] = {}
        self.text = InvertedIndex(NAME_BOOSTS)  # listed sellers only

    def put(self, document: SellerDocument) -> None:
        self.documents[document.seller_id] = document
        if document.listed:
            self.text.add(document.seller_id, {"display_name": document.display_name})
        else:
            self.text.remove(document.seller_id)

    def search(self, query: SellerQuery) -> SellerResults:
        matched = self.text.matching(query.terms)
        listed = {s for s, d in self.documents.items() if d.listed} if matched is None else matched
        scores = self.text.scores(query.terms, listed) if query.terms else {}

        def key(seller_id: str) -> tuple[float | int | str, ...]:
            return (-scores.get(seller_id, 0.0), self.documents[seller_id].name_key, seller_id)

        candidates: Iterable[str] = listed
        if query.after is not None:
            after = seller_ordering(query.after)
            candidates = (s for s in listed if key(s) > after)
        top = heapq.nsmallest(query.limit + 1, candidates, key=key)
        hits = tuple(SellerHit(self.documents[s], scores.get(s, 0.0)) for s in top[: query.limit])
        return SellerResults(hits, len(top) > query.limit)
