"""PostgreSQL adapters of the sellers ports (schema ``sellers`` of the sellers database)."""
