"""The payments context: payments of orders through an external gateway, and their refunds."""
