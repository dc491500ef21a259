"""The parts of the in-memory search index (adapters/memory/search_index.py)."""
