"""The moderation context."""
