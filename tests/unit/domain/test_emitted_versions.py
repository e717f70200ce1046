"""The version an episode or task is sent at, given the last emission of its id: another
child's id continues above it, a crash's redo is sent again at the version it had, and a
child whose state forgot what it sent continues above that."""

from __future__ import annotations

from hub.domain.emitted_versions import held_of, version_to_send
from hub.domain.outputs import TaskChanged
from tests.unit.domain.builders import yot
from tests.unit.domain.factories import of_type, run


def _task(child_key: str = "child-a") -> TaskChanged:
    _, produced = run(yot(), child_key=child_key)
    [task] = of_type([o for outputs in produced for o in outputs], TaskChanged)
    return task


def test_nothing_sent_before_sends_it_as_it_is() -> None:
    task = _task()
    assert version_to_send(task, 1, "child-a", None) == 1


def test_another_childs_id_continues_above_the_last_version() -> None:
    sent = _task("child-a")
    again = _task("child-b")
    assert version_to_send(again, 1, "child-b", held_of(sent, 3, "child-a")) == 4
    assert version_to_send(again, 5, "child-b", held_of(sent, 3, "child-a")) == 5


def test_a_redo_after_a_crash_is_sent_again_at_the_version_it_had() -> None:
    first = _task("child-b")
    taken_over = first.model_copy(update={"version": 2})  # it took the id over from child-a
    held = held_of(taken_over, 2, "child-b")
    # restored before the batch, the child derives it at version 1 again: the same content
    assert version_to_send(first, 1, "child-b", held) == 2


def test_a_child_that_forgot_what_it_sent_continues_above_it() -> None:
    sent = _task("child-b").model_copy(update={"version": 2, "what_happened": "before"})
    now = _task("child-b")  # other content at version 1 (after a reset, say)
    assert version_to_send(now, 1, "child-b", held_of(sent, 2, "child-b")) == 3


def test_the_same_version_again_is_a_redelivery_and_an_old_owner_entry_has_no_digest() -> None:
    task = _task("child-b")
    assert version_to_send(task, 1, "child-b", held_of(task, 1, "child-b")) == 1
    assert version_to_send(task, 1, "child-b", (2, "child-b")) == 1
