"""PostgreSQL adapters of the recommendations ports (schema ``recommendations`` of the recommendations
database): the personal lists and their build queue."""
