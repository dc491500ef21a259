"""PostgreSQL adapters of the users ports (schema ``users`` of the users database)."""
