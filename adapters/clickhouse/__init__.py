"""ClickHouse: the analytics context's event history and business figures (chdb embedded, or a server)."""
