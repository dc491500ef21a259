"""The orchestrator: the checkout and refund sagas, process managers with persisted state."""
