"""PostgreSQL adapters of the auth ports (schema ``auth`` of the users database)."""
