"""The orders context: a customer's orders, their lines and the order state machine."""
