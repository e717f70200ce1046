"""When another child takes over a task: versions that beat what the sink holds.

A task's id comes from what raised it (the notification, the SEN request), not from the
child, so after an identity review or a settlement moves that record to another child the
task is raised again there, at version 1. The sink keeps the highest version per task id, so
the re-raised task would lose to the copy the old child emitted, and the inbox would show the
task under the child the record left (and the same id would have been sent at one version
with two contents). As for episodes (``hub.domain.episodes.ownership``), ``take_over_tasks``
is told per task id the last (version, child key) any child emitted; a task now emitted by a
different child at a version that would not beat it is emitted at the next version instead,
and the emitting child's state continues from there. The same child sending it again (a
redelivery) is left alone, so outputs stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from hub.domain.child.state import ChildState
from hub.domain.outputs.tasks import TaskChanged

Held = tuple[int, str]  # (version, child key) of the last emission of a task id
T = TypeVar("T")
TASK_OWNER_PREFIX = "task:"
"""Task ids share the owners table with episode ids, under this prefix."""


def owner_key(task_id: str) -> str:
    return TASK_OWNER_PREFIX + task_id


def take_over_tasks(
    state: ChildState, child_key: str, outputs: Sequence[T],
    held: Callable[[str], Held | None],
) -> tuple[ChildState, list[T]]:
    out: list[T] = []
    for output in outputs:
        out.append(output)
        if not isinstance(output, TaskChanged):
            continue
        last = held(output.task_id)
        if last is not None and last[1] != output.child_key and last[0] >= output.version:
            task = output.model_copy(update={"version": last[0] + 1})
            if task.child_key == child_key and state.task(task.task_id) is not None:
                state = state.with_task(task)
            out[-1] = task  # type: ignore[assignment,unused-ignore]  # T is a TaskChanged here
    return state, out
