"""The child processor's pure rules: ``(state, input) -> (state, outputs)`` per hub child key.

Entry point: :func:`hub.domain.child.apply.apply`. Modules import nothing from this package's
``__init__`` (kept empty on purpose) so the rule modules outside it can share its helpers.
"""
