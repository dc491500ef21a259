"""Kafka: the event backbone of the infra profile (publisher, consumer groups, topics)."""
