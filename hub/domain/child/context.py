"""What every rule step is given besides the state and the event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hub.domain.child.disclosure import Shared
from hub.domain.child.state import ChildState
from hub.domain.child.task_rules import TaskRules
from hub.domain.outputs import Output


@dataclass(frozen=True, slots=True)
class Context:
    child_key: str
    now: datetime
    """Processing time: stamps replies and task changes, never decides a rule."""
    before: ChildState
    """The state before this input (after recording its id): e.g. 'was the child known?'."""
    rules: TaskRules


Outputs = tuple[Output, ...]
Step = Callable[[ChildState, Shared, Context], tuple[ChildState, Outputs]]
