"""PostgreSQL adapters of the logistics ports (schema ``logistics`` of the shipments database)."""
