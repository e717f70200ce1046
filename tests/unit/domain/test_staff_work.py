"""The inbox's pure rules: roles and need-to-know, the queue, child search, sign-in lockout,
and a team manager's assignment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hub.domain.child_search import matches
from hub.domain.outputs import AssignTask, CommandRejected, TaskChanged
from hub.domain.outputs.codes import Priority, RejectionCode, TaskStatus, TaskType
from hub.domain.sign_in_limits import PER_ADDRESS, PER_USER, locked_until
from hub.domain.staff_roles import (
    COMMAND_ACTIONS,
    REQUIRED_ROLES,
    Role,
    StaffAction,
    may,
    may_send,
    role_named,
    sees_task,
)
from hub.domain.task_queue import QueueQuery, counts, due_state, page_of
from tests.contract import store_records as r
from tests.unit.domain.builders import claim
from tests.unit.domain.child.test_task_lifecycle import opened  # noqa: F401 - fixture
from tests.unit.domain.factories import CHILD, NOW, of_type, run

TODAY = date(2025, 9, 8)


def test_role_names_are_exact_and_every_staff_command_needs_a_role():
    assert [r.value for r in Role] == ["practitioner", "team_manager", "data_officer", "admin"]
    assert role_named("team_manager") is Role.TEAM_MANAGER
    with pytest.raises(ValueError, match="role must be one of"):
        role_named("Team Manager")
    assert set(COMMAND_ACTIONS) == {"ClaimTask", "AssignTask", "CompleteTask", "CancelTask",
                                    "RecordSenParticipation", "ReviewPossibleMatch",
                                    "SplitChild"}
    assert all(REQUIRED_ROLES[action] for action in COMMAND_ACTIONS.values())
    assert not any(may_send(Role.ADMIN, kind) for kind in COMMAND_ACTIONS)
    assert may_send(Role.TEAM_MANAGER, "AssignTask") and not may_send(
        Role.PRACTITIONER, "AssignTask")
    assert may_send(Role.DATA_OFFICER, "SplitChild") and not may_send(
        Role.TEAM_MANAGER, "ReviewPossibleMatch")
    assert not may_send(Role.TEAM_MANAGER, "NoSuchCommand")
    assert may(Role.ADMIN, StaffAction.MANAGE_USERS) and not may(Role.ADMIN,
                                                                 StaffAction.VIEW_CHILD)


@pytest.mark.parametrize(("role", "team", "task_team", "kind", "seen"), [
    (Role.PRACTITIONER, "SEN Liaison", "SEN Liaison", TaskType.SEN_PARTICIPATION, True),
    (Role.PRACTITIONER, "SEN Liaison", "Front Door", TaskType.CONTACT_SCREENING, False),
    (Role.TEAM_MANAGER, "Front Door", "Front Door", TaskType.CONTACT_SCREENING, True),
    (Role.DATA_OFFICER, "Elsewhere", "Data Quality", TaskType.POSSIBLE_MATCH_REVIEW, True),
    (Role.DATA_OFFICER, "Data Quality", "SEN Liaison", TaskType.SEN_PARTICIPATION, False),
    (Role.PRACTITIONER, "SEN Liaison", "Data Quality", TaskType.POSSIBLE_MATCH_REVIEW, False),
    (Role.ADMIN, "SEN Liaison", "SEN Liaison", TaskType.SEN_PARTICIPATION, False),
])
def test_need_to_know_is_the_tasks_team(role, team, task_team, kind, seen):
    assert sees_task(role, team, task_team, kind) is seen


def _tasks() -> list[TaskChanged]:
    return [
        r.task("late", due_date=TODAY - timedelta(days=1), priority=Priority.LOW),
        r.task("today", due_date=TODAY, priority=Priority.HIGH, status=TaskStatus.CLAIMED,
               assignee="ann"),
        r.task("soon", due_date=TODAY + timedelta(days=3), priority=Priority.URGENT,
               task_type=TaskType.CONTACT_SCREENING, child_key="CH-other"),
        r.task("later", due_date=TODAY + timedelta(days=30), priority=Priority.NORMAL),
    ]


def test_the_queue_filters_sorts_counts_and_pages():
    tasks = _tasks()
    assert [due_state(t, TODAY) for t in tasks] == ["overdue", "today", "week", "later"]
    ids = lambda page: [t.task_id for t in page.tasks]  # noqa: E731
    assert ids(page_of(tasks, QueueQuery(), TODAY)) == ["late", "today", "soon", "later"]
    assert ids(page_of(tasks, QueueQuery(sort="priority"), TODAY)) == [
        "soon", "today", "later", "late"]
    assert ids(page_of(tasks, QueueQuery(due="overdue"), TODAY)) == ["late"]
    assert ids(page_of(tasks, QueueQuery(status=TaskStatus.CLAIMED), TODAY)) == ["today"]
    assert ids(page_of(tasks, QueueQuery(task_type=TaskType.CONTACT_SCREENING), TODAY)) == [
        "soon"]
    assert ids(page_of(tasks, QueueQuery(children=frozenset({"CH-other"})), TODAY)) == ["soon"]
    second = page_of(tasks, QueueQuery(page=2), TODAY, size=3)
    assert (ids(second), second.total, second.page, second.pages) == (["later"], 4, 2, 2)
    assert page_of(tasks, QueueQuery(page=99), TODAY, size=3).page == 2  # clamped
    assert [(c.task_type, c.open, c.overdue) for c in counts(tasks, TODAY)] == [
        (TaskType.SEN_PARTICIPATION, 3, 1), (TaskType.CONTACT_SCREENING, 1, 0)]


@pytest.mark.parametrize(("query", "found"), [
    ("A123456789012", True), ("a123 4567 89012", True), ("LA-77", True), ("9434765919", True),
    ("10/12/2014", True), ("2014-12-10", True), ("11/12/2014", False), ("ada", True),
    ("ada love", True), ("Lovelace Ada", True), ("ada smith", False), ("love", True),
    ("velace", False), ("", False), ("A12345", False),
])
def test_a_child_is_found_by_name_date_of_birth_la_id_or_upn(query, found):
    ids = [("UPN", "A123456789012"), ("LA_CHILD_ID", "LA-77"), ("NHS_NUMBER", "9434765919"),
           ("SOURCE_ID", "A12345")]
    assert matches(query, ("Ada", "Lovelace"), date(2014, 12, 10), ids) is found


def test_a_user_id_locks_after_five_failures_and_an_address_after_twenty():
    now = 10_000.0
    four = [now - 60 * i for i in range(4)]
    assert locked_until(four, now, PER_USER) is None
    five = [*four, now - 600]
    assert locked_until(five, now, PER_USER) == now - 600 + PER_USER.window_s
    assert locked_until([now - 16 * 60] * 5, now, PER_USER) is None  # out of the window
    assert locked_until(five, now, PER_ADDRESS) is None
    assert locked_until([now - i for i in range(20)], now, PER_ADDRESS) is not None


def test_a_manager_assigns_and_reassigns_a_task(opened):  # noqa: F811
    state, task_id = opened

    def assign(to: str) -> AssignTask:
        return AssignTask(command_id=f"a-{to}", child_key=CHILD, task_id=task_id, assignee=to,
                          by="mo", sent_at=NOW)

    state, ((given,), again, (taken,)) = run(assign("bea"), assign("bea"), claim(task_id),
                                             state=state)
    assert (given.status, given.assignee, given.changed_by, given.version) == (
        TaskStatus.CLAIMED, "bea", "mo", 2)
    assert tuple(again) == ()  # already held: nothing to do
    [rejected] = of_type((taken,), CommandRejected)  # ann's claim: bea holds it now
    assert rejected.reason_code is RejectionCode.ALREADY_CLAIMED
    state, ((moved,),) = run(assign("cal"), state=state)
    assert (moved.assignee, moved.version) == ("cal", 3)
