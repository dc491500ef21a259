"""PostgreSQL adapters of the activity ports (schema ``activity`` of the recommendations database)."""
