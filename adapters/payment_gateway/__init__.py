"""The payment gateway: the HTTP client of the external API, and the sandbox that imitates it.

``simulator.GatewaySimulator`` is the sandbox's behaviour (test card tokens, faults, the ledger, webhook
events); ``sandbox.create_sandbox_app`` serves it over HTTP as the real API would be; ``memory`` is the
in-process adapter over it (the memory profile); ``client`` is the HTTP adapter (the infra profile).
"""
