"""The products context's routes: categories and cards (``cards``), stock (``stock``) and images (``media``)."""

from __future__ import annotations

from entrypoints.http.products import cards, media, stock

ENDPOINTS = [*cards.ENDPOINTS, *stock.ENDPOINTS, *media.ENDPOINTS]
