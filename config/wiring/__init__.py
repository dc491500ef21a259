"""One module per bounded context: which adapter serves each of its ports, on each profile.

Each module has ``register(w: Wiring)``; ``config.container.bootstrap`` calls them in ``CONTEXTS`` order.
"""
