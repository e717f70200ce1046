"""Connectors: one module per department system, turning its exports into typed events.

Each module's docstring states its input format, delivery guarantee and idempotency key.
``connectors.registry.CONNECTORS`` maps a source name (as ``hub connect SOURCE`` takes it)
to its connector.
"""
