"""PostgreSQL adapters of the ratings ports (schema ``ratings`` of the ratings database, a database of the
reviews context)."""
