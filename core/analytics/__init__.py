"""The analytics context: every event kept as history, and the business figures read from it."""
