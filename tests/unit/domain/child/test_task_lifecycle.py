"""Task lifecycle commands from the inbox: legal moves bump the version, illegal ones reject."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.domain.child.state import MAX_FINISHED_TASKS
from hub.domain.outputs import (
    CommandRejected,
    PossibleMatchRaised,
    TaskChanged,
)
from hub.domain.outputs.codes import RejectionCode, TaskStatus, TaskType
from tests.unit.domain.builders import cancel, claim, complete, sen_request
from tests.unit.domain.factories import CHILD, NOW, of_type, run


@pytest.fixture
def opened():
    state, (outputs,) = run(sen_request())
    task = next(t for t in of_type(outputs, TaskChanged)
                if t.task_type is TaskType.SEN_PARTICIPATION)
    return state, task.task_id


def test_claim_then_complete(opened):
    state, task_id = opened
    state, ((claimed,), (done,)) = run(claim(task_id), complete(task_id), state=state)
    assert (claimed.status, claimed.assignee, claimed.version) == (TaskStatus.CLAIMED, "ann", 2)
    assert (done.status, done.version, done.resolution) == (
        TaskStatus.DONE, 3, "Replied to Education")
    assert done.changed_by == "ann" and done.title == claimed.title
    assert state.task(task_id) == done


def test_claiming_a_task_you_hold_changes_nothing(opened):
    state, task_id = opened
    _, (_, again) = run(claim(task_id), claim(task_id), state=state)
    assert again == ()


def test_cancel_from_open(opened):
    state, task_id = opened
    _, ((cancelled,),) = run(cancel(task_id), state=state)
    assert cancelled.status is TaskStatus.CANCELLED and cancelled.resolution == "Duplicate"


@pytest.mark.parametrize(
    ("moves", "code"),
    [
        ((lambda t: claim(t, "ann"), lambda t: claim(t, "bob")), RejectionCode.ALREADY_CLAIMED),
        ((cancel, complete), RejectionCode.TASK_CLOSED),
        ((complete, claim), RejectionCode.TASK_CLOSED),
        ((complete, cancel), RejectionCode.TASK_CLOSED),
        ((cancel, cancel), RejectionCode.TASK_CLOSED),
    ],
)
def test_illegal_moves_are_rejected_and_change_nothing(opened, moves, code):
    state, task_id = opened
    state, (_, outputs) = run(*(move(task_id) for move in moves), state=state)
    [rejected] = outputs
    assert isinstance(rejected, CommandRejected)
    assert (rejected.reason_code, rejected.target_id, rejected.child_key) == (code, task_id, CHILD)
    assert state.task(task_id).version == 2


def test_unknown_task_is_rejected():
    _, ((rejected,),) = run(claim("no-such-task"))
    assert rejected.reason_code is RejectionCode.UNKNOWN_TASK
    assert rejected.command_type == "ClaimTask"


def test_the_same_command_twice_is_applied_once(opened):
    state, task_id = opened
    command = claim(task_id)
    _, (first, second) = run(command, command, state=state)
    assert len(first) == 1 and second == ()


def test_finished_tasks_are_bounded_but_open_ones_kept():
    inputs = []
    for i in range(MAX_FINISHED_TASKS + 5):
        inputs.append(PossibleMatchRaised(command_id=f"m{i}", child_key=CHILD,
                                          candidate_key=f"k{i}", score=1.0, record_ref="r",
                                          raised_at=NOW + timedelta(minutes=i)))
    state, produced = run(*inputs, PossibleMatchRaised(
        command_id="open", child_key=CHILD, candidate_key="other", score=1.0, record_ref="r",
        raised_at=NOW))
    ids = [outputs[0].task_id for outputs in produced]
    state, _ = run(*(complete(t) for t in ids[:-1]), state=state)
    assert len(state.tasks) == MAX_FINISHED_TASKS + 1
    assert state.task(ids[-1]).status is TaskStatus.OPEN
