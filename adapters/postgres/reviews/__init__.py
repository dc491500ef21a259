"""PostgreSQL adapters of the reviews ports (schema ``reviews`` of the reviews database)."""
