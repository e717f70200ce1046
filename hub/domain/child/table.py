"""The processor over many children: one independent state per hub child key.

What the worker does with its table, as a pure function: twins, or any two keys, never
share state, because an input only ever reads and writes the row of its own key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from hub.domain.child.apply import Input, apply
from hub.domain.child.context import Outputs
from hub.domain.child.state import ChildState
from hub.domain.child.task_rules import DEFAULT_RULES, TaskRules

Table = Mapping[str, ChildState]


def apply_to_table(
    table: Table, child_key: str, message: Input, now: datetime,
    rules: TaskRules = DEFAULT_RULES,
) -> tuple[dict[str, ChildState], Outputs]:
    """The table with ``child_key``'s row replaced, and what the input produced."""
    state, outputs = apply(table.get(child_key, ChildState()), message, child_key, now, rules)
    return {**table, child_key: state}, outputs
