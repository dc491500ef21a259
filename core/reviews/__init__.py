"""The reviews context: customers' reviews of what they received, and the ratings aggregates."""
