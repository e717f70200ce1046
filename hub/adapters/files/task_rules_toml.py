"""Task rules from TOML: a local authority's overrides of the default rule table.

Format (every key optional; a task type's table overrides only the fields it names)::

    bank_holidays = [2026-04-03, 2026-04-06]

    [tasks.SEN_PARTICIPATION]
    team = "SEN Team North"
    due_days = 10
    working_days = true
    priority = "NORMAL"
    priority_if_protected = "URGENT"
    enabled = true

Errors name the file and the key, never guess: a misspelt task type or field is refused.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from hub.domain.child.task_rules import DEFAULT_TASK_RULES, TaskRule, TaskRules
from hub.domain.outputs.codes import Priority, TaskType

_FIELDS = {f.name: f for f in dataclasses.fields(TaskRule)}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "team": str, "title": str, "what_to_do": str, "due_days": int, "working_days": bool,
    "priority": str, "priority_if_protected": str, "enabled": bool,
}


class TaskRulesError(ValueError):
    """The task rules file is missing, not TOML, or names an unknown task type or field."""


def load_task_rules(path: Path) -> TaskRules:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaskRulesError(f"{path}: {exc}") from exc
    try:
        return parse_task_rules(document)
    except TaskRulesError as exc:
        raise TaskRulesError(f"{path}: {exc}") from None


def parse_task_rules(document: Mapping[str, Any]) -> TaskRules:
    unknown = set(document) - {"bank_holidays", "tasks"}
    if unknown:
        raise TaskRulesError(f"unknown top-level keys: {', '.join(sorted(unknown))}")
    rules = dict(DEFAULT_TASK_RULES)
    for name, table in (document.get("tasks") or {}).items():
        if name not in TaskType.__members__:
            raise TaskRulesError(f"tasks.{name}: not a task type ({', '.join(TaskType)})")
        rules[TaskType(name)] = dataclasses.replace(rules[TaskType(name)], **_fields(name, table))
    return TaskRules(rules=rules, bank_holidays=_holidays(document.get("bank_holidays", [])))


def _fields(name: str, table: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _FIELDS:
            raise TaskRulesError(f"tasks.{name}.{key}: not a rule field ({', '.join(_FIELDS)})")
        if not isinstance(value, _TYPES[key]) or (key == "due_days" and isinstance(value, bool)):
            raise TaskRulesError(f"tasks.{name}.{key}: expected {_TYPES[key]}")
        fields[key] = _priority(name, key, value) if key.startswith("priority") else value
    if fields.get("due_days", 0) < 0:
        raise TaskRulesError(f"tasks.{name}.due_days: must not be negative")
    return fields


def _priority(name: str, key: str, value: object) -> Priority:
    if not isinstance(value, str) or value not in Priority.__members__:
        raise TaskRulesError(f"tasks.{name}.{key}: one of {', '.join(Priority)}")
    return Priority(value)


def _holidays(values: object) -> frozenset[date]:
    if not isinstance(values, list) or not all(type(v) is date for v in values):
        raise TaskRulesError("bank_holidays: a list of TOML dates, e.g. [2026-12-25]")
    return frozenset(values)
