"""PostgreSQL adapters of the orders ports (schema ``orders`` of the orders database)."""
