"""Tasks raised by notifications: which, for which team, when due and how urgent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.adapters.files.task_rules_toml import TaskRulesError, load_task_rules, parse_task_rules
from hub.domain.child.task_rules import DEFAULT_RULES, TaskRules
from hub.domain.events.csc import CscChange
from hub.domain.events.early_help import CafClosureReason
from hub.domain.events.education import ExclusionType
from hub.domain.events.youth_justice import YotReferralKind
from hub.domain.outputs import PossibleMatchRaised, TaskChanged
from hub.domain.outputs.codes import Priority, TaskStatus, TaskType
from hub.domain.working_days import add_working_days, last_day_of
from tests.unit.domain.builders import caf_closed, csc, exclusion, register, sen_request, yot
from tests.unit.domain.factories import CHILD, MONDAY, NOW, of_type, run

FRIDAY = date(2026, 1, 16)
KNOWN = csc("csc-open", CscChange.REFERRAL_OPENED)
CP_PLAN = csc("csc-cp", CscChange.CP_PLAN_STARTED)
LOOKED_AFTER = csc("csc-la", CscChange.LOOKED_AFTER_STARTED)


def _tasks(*inputs, rules: TaskRules = DEFAULT_RULES) -> list[TaskChanged]:
    _, produced = run(*inputs, rules=rules)
    return of_type(produced[-1], TaskChanged)


def test_working_days_skip_weekends_and_bank_holidays():
    assert add_working_days(FRIDAY, 1) == date(2026, 1, 19)
    assert add_working_days(FRIDAY, 0) == FRIDAY
    assert add_working_days(MONDAY.date(), 15) == date(2026, 2, 2)
    assert add_working_days(FRIDAY, 1, frozenset({date(2026, 1, 19)})) == date(2026, 1, 20)
    assert last_day_of(date(2026, 1, 17), 2) == date(2026, 1, 20)  # Saturday start -> Mon, Tue


def test_sen_request_task_for_sen_liaison_due_in_15_working_days():
    [task] = _tasks(KNOWN, sen_request())
    assert (task.task_type, task.team, task.status) == (
        TaskType.SEN_PARTICIPATION, "SEN Liaison", TaskStatus.OPEN)
    assert task.what_to_do == (
        "Decide whether CSC takes part in the SEN assessment and reply to Education")
    assert task.due_date == date(2026, 2, 2) and task.priority is Priority.NORMAL
    assert (task.version, task.assignee, task.child_key) == (1, None, CHILD)
    assert task.source_event_id == "sen-req" and task.reference == "SEN-REQ-1"
    assert "Amelia" not in task.what_happened and "SCHOOL" in task.what_happened


@pytest.mark.parametrize("protected", [CP_PLAN, LOOKED_AFTER])
def test_sen_task_is_high_for_a_child_with_a_cp_plan_or_looked_after(protected):
    [task] = _tasks(protected, sen_request())
    assert task.priority is Priority.HIGH


def test_sen_request_that_does_not_invite_csc_raises_no_sen_task():
    assert _tasks(KNOWN, sen_request(invites_csc=False)) == []


def test_unknown_child_gets_a_front_door_screening_task_as_well():
    tasks = {t.task_type: t for t in _tasks(sen_request())}
    assert set(tasks) == {TaskType.SEN_PARTICIPATION, TaskType.CONTACT_SCREENING}
    screening = tasks[TaskType.CONTACT_SCREENING]
    assert screening.team == "Front Door" and screening.what_to_do == "Screen the new contact"
    assert screening.due_date == date(2026, 1, 13)


def test_yot_court_disposal_for_a_known_child():
    [task] = _tasks(KNOWN, yot())
    assert task.team == "Youth Justice Liaison" and task.due_date == date(2026, 1, 19)
    assert _tasks(KNOWN, yot(kind=YotReferralKind.YISP)) == []
    assert [t.task_type for t in _tasks(yot())] == [TaskType.CONTACT_SCREENING]


def test_permanent_exclusion_is_high_and_urgent_for_a_looked_after_child():
    [task] = _tasks(KNOWN, exclusion())
    assert task.priority is Priority.HIGH and task.due_date == date(2026, 1, 14)
    [task] = _tasks(LOOKED_AFTER, exclusion())
    assert task.priority is Priority.URGENT
    assert _tasks(KNOWN, exclusion(kind=ExclusionType.FIXED_TERM, days=2)) == []


def test_caf_closed_with_a_referral_to_csc_is_screened_by_the_front_door():
    [task] = _tasks(caf_closed(reason=CafClosureReason.REFERRED_TO_CSC))
    assert (task.team, task.what_to_do, task.priority) == (
        "Front Door", "Screen the referral", Priority.HIGH)
    assert task.due_date == date(2026, 1, 13)
    assert _tasks(caf_closed(reason=CafClosureReason.NEEDS_MET)) == []


def test_a_notification_needing_no_person_raises_no_task():
    assert _tasks(KNOWN, register()) == []


def test_possible_match_raises_one_data_quality_task_per_pair():
    match = PossibleMatchRaised(command_id="m1", child_key=CHILD, candidate_key="child-9",
                                score=0.87, record_ref="yot:Y123", raised_at=MONDAY)
    again = match.model_copy(update={"command_id": "m2"})
    _, (first, second) = run(match, again)
    [task] = first
    assert (task.team, task.what_to_do) == ("Data Quality", "Confirm or reject the possible match")
    assert task.due_date == date(2026, 1, 19) and task.related_child_key == "child-9"
    assert task.reference == "yot:Y123" and "0.87" in task.what_happened
    assert second == ()


def test_a_new_version_of_the_same_record_raises_no_second_task():
    _, (_, first, second) = run(KNOWN, sen_request("v1"), sen_request("v2"))
    assert of_type(first, TaskChanged) and not of_type(second, TaskChanged)


def test_rules_from_toml_override_defaults(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        'bank_holidays = [2026-01-13]\n'
        '[tasks.CONTACT_SCREENING]\ndue_days = 2\npriority = "HIGH"\n'
        '[tasks.SEN_PARTICIPATION]\nenabled = false\n'
        '[tasks.POSSIBLE_MATCH_REVIEW]\ndue_days = 7\nworking_days = false\n'
    )
    rules = load_task_rules(path)
    [task] = _tasks(sen_request(), rules=rules)
    assert task.task_type is TaskType.CONTACT_SCREENING and task.priority is Priority.HIGH
    assert task.due_date == date(2026, 1, 15)  # Tue 13th is a bank holiday
    assert task.team == "Front Door"  # fields not named keep their defaults
    assert rules.due_date(TaskType.POSSIBLE_MATCH_REVIEW, FRIDAY) == date(2026, 1, 23)


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"tasks": {"SEN_TASK": {}}}, "tasks.SEN_TASK"),
        ({"tasks": {"SEN_PARTICIPATION": {"due": 3}}}, "tasks.SEN_PARTICIPATION.due"),
        ({"tasks": {"SEN_PARTICIPATION": {"due_days": "3"}}}, "due_days"),
        ({"tasks": {"SEN_PARTICIPATION": {"due_days": -1}}}, "negative"),
        ({"tasks": {"SEN_PARTICIPATION": {"priority": "SOON"}}}, "priority"),
        ({"bank_holidays": ["2026-12-25"]}, "bank_holidays"),
        ({"holidays": []}, "holidays"),
    ],
)
def test_bad_rule_files_say_what_is_wrong(document, complaint):
    with pytest.raises(TaskRulesError, match=complaint):
        parse_task_rules(document)


def test_a_file_that_is_not_toml_names_the_file(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[tasks\n")
    with pytest.raises(TaskRulesError, match=r"rules\.toml"):
        load_task_rules(path)


def test_changed_at_is_processing_time():
    [task] = _tasks(KNOWN, sen_request())
    assert task.changed_at == NOW.astimezone(UTC) and isinstance(task.changed_at, datetime)
