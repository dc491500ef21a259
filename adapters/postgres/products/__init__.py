"""PostgreSQL adapters of the products ports (schema ``products`` of the products database)."""
