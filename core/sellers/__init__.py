"""The sellers context."""
