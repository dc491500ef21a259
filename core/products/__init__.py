"""The products context."""
