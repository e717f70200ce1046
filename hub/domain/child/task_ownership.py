"""When another child takes over a task: versions that beat what the sink holds.

A task's id comes from what raised it (the notification, the SEN request), not from the
child, so after an identity review or a settlement moves that record to another child the
task is raised again there, at version 1. The sink keeps the highest version per task id, so
the re-raised task would lose to the copy the old child emitted, and the inbox would show the
task under the child the record left (and the same id would have been sent at one version
with two contents). As for episodes (``hub.domain.episodes.ownership``), ``take_over_tasks``
is told per task id the last emission (version, child key, digest) and sends each task at
the version ``hub.domain.emitted_versions`` decides; the emitting child's state continues
from there. The same child sending the same version again (a redelivery) is left alone, so
outputs stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from hub.domain.child.state import ChildState
from hub.domain.emitted_versions import Held, version_to_send
from hub.domain.outputs.tasks import TaskChanged

TASK_OWNER_PREFIX = "task:"
"""Task ids share the owners table with episode ids, under this prefix."""
T = TypeVar("T")


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
        version = version_to_send(output, output.version, output.child_key,
                                  held(output.task_id))
        if version != output.version:
            task = output.model_copy(update={"version": version})
            if task.child_key == child_key and state.task(task.task_id) is not None:
                state = state.with_task(task)
            out[-1] = task  # type: ignore[assignment,unused-ignore]  # T is a TaskChanged here
    return state, out
