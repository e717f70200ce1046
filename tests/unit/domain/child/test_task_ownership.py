"""A task raised again under another child (its record moved there by a review or a
settlement) continues above the version the old child sent, so the sink and the inbox follow
it; the same child sending it again is left alone (byte-identical redelivery)."""

from __future__ import annotations

from hub.domain.child.task_ownership import owner_key, take_over_tasks
from hub.domain.outputs import TaskChanged
from tests.unit.domain.builders import yot
from tests.unit.domain.factories import of_type, run

OLD, NEW = "child-old", "child-new"


def _raised(child_key: str) -> tuple[object, TaskChanged]:
    state, produced = run(yot(), child_key=child_key)
    [task] = of_type([o for outputs in produced for o in outputs], TaskChanged)
    return state, task


def test_a_task_another_child_sent_continues_at_the_next_version() -> None:
    _, first = _raised(OLD)
    state, again = _raised(NEW)
    assert (first.task_id, first.version, again.version) == (again.task_id, 1, 1)
    held = {first.task_id: (first.version, OLD)}
    state, [out] = take_over_tasks(state, NEW, [again], held.get)
    assert isinstance(out, TaskChanged)
    assert (out.version, out.child_key) == (2, NEW)
    assert state.task(out.task_id) == out  # later versions continue from there


def test_the_same_child_sending_it_again_is_left_alone() -> None:
    state, task = _raised(OLD)
    held = {task.task_id: (task.version, OLD)}
    assert take_over_tasks(state, OLD, [task], held.get) == (state, [task])


def test_a_task_no_one_sent_and_other_outputs_pass_unchanged() -> None:
    state, task = _raised(NEW)
    assert take_over_tasks(state, NEW, [task, "other"], {}.get) == (state, [task, "other"])
    assert owner_key(task.task_id) != task.task_id  # apart from episode ids in one table
