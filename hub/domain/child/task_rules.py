"""The task rule table: which team gets which task, when it is due and how urgent it is.

Defaults follow the design brief; a local authority overrides any field, and lists its bank
holidays, in TOML (``hub.adapters.files.task_rules_toml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from hub.domain.child.status import PROTECTED
from hub.domain.outputs.codes import CscStatus, Priority, TaskType
from hub.domain.working_days import add_working_days


@dataclass(frozen=True, slots=True)
class TaskRule:
    team: str
    title: str
    what_to_do: str
    due_days: int
    working_days: bool = True
    priority: Priority = Priority.NORMAL
    priority_if_protected: Priority | None = None
    """Used instead when the child has a CP plan or is looked after."""
    enabled: bool = True

    def priority_for(self, status: CscStatus) -> Priority:
        if status in PROTECTED and self.priority_if_protected is not None:
            return self.priority_if_protected
        return self.priority


T, P = TaskType, Priority
DEFAULT_TASK_RULES: Mapping[TaskType, TaskRule] = MappingProxyType({
    T.SEN_PARTICIPATION: TaskRule(
        "SEN Liaison", "SEN assessment: will CSC take part?",
        "Decide whether CSC takes part in the SEN assessment and reply to Education",
        15, priority_if_protected=P.HIGH),
    T.YOUTH_JUSTICE_LIAISON: TaskRule(
        "Youth Justice Liaison", "Court disposal for a child known to CSC",
        "Agree with the Youth Offending Team how the child's plan takes account of the disposal",
        5, priority_if_protected=P.HIGH),
    T.EXCLUSION_REVIEW: TaskRule(
        "Education Liaison", "Permanent exclusion of a child known to CSC",
        "Check the child has a school place arranged and review the child's plan",
        2, priority=P.HIGH, priority_if_protected=P.URGENT),
    T.CAF_REFERRAL_SCREENING: TaskRule(
        "Front Door", "CAF closed with a referral to CSC", "Screen the referral",
        1, priority=P.HIGH),
    T.CONTACT_SCREENING: TaskRule(
        "Front Door", "New contact from a key notification", "Screen the new contact", 1),
    T.POSSIBLE_MATCH_REVIEW: TaskRule(
        "Data Quality", "Possible duplicate child", "Confirm or reject the possible match", 5),
})


@dataclass(frozen=True, slots=True)
class TaskRules:
    rules: Mapping[TaskType, TaskRule] = field(default_factory=lambda: DEFAULT_TASK_RULES)
    bank_holidays: frozenset[date] = frozenset()

    def rule(self, task_type: TaskType) -> TaskRule:
        return self.rules.get(task_type) or DEFAULT_TASK_RULES[task_type]

    def due_date(self, task_type: TaskType, start: date) -> date:
        rule = self.rule(task_type)
        if rule.working_days:
            return add_working_days(start, rule.due_days, self.bank_holidays)
        return start + timedelta(days=rule.due_days)


DEFAULT_RULES = TaskRules()
