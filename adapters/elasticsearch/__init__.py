"""The search context's index on Elasticsearch 9 (adapters/elasticsearch/search_index.py)."""
