"""Validation at the edge: the checks every incoming event passes before it is published.

File connectors and the push intake call the same rules, so an event is accepted or refused
the same way whichever door it came in by. A problem names the field and the rule, never the
value, so reasons are safe to log, count and show to the sending system.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from hub.domain.events import Event
from hub.domain.identifiers import nhs_number_problem, upn_problem
from hub.domain.input_rules import clean_tree, la_child_id_problem
from hub.domain.volume_checks import volume_problems


@dataclass(frozen=True)
class Problem:
    code: str  # e.g. INVALID_UPN, FUTURE_DATE
    field: str  # dotted path, e.g. envelope.subject.upn
    message: str


class EventRejectedError(Exception):
    """The input cannot become an event; ``problems`` say why, field by field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems

    @property
    def code(self) -> str:
        return self.problems[0].code


def _identifier_problems(subject: Any) -> list[Problem]:
    found = []
    for field in ("upn", "former_upn"):
        value = getattr(subject, field)
        if value and (message := upn_problem(value)):
            found.append(Problem("INVALID_UPN", f"envelope.subject.{field}", message))
    if subject.nhs_number and (message := nhs_number_problem(subject.nhs_number)):
        found.append(Problem("INVALID_NHS_NUMBER", "envelope.subject.nhs_number", message))
    if subject.la_child_id is not None and (message := la_child_id_problem(subject.la_child_id)):
        found.append(Problem("INVALID_LA_CHILD_ID", "envelope.subject.la_child_id", message))
    return found


_PLAIN = frozenset({str, int, float, bool})


def _dates(model: BaseModel, path: str = "") -> list[tuple[str, date]]:
    """Every date and timestamp in the event except ``recorded_at`` and the date of birth."""
    found: list[tuple[str, date]] = []
    fields = model.__dict__.items()  # what iterating the model yields, without its overhead
    extra = model.__pydantic_extra__
    for name, value in (itertools.chain(fields, extra.items()) if extra else fields):
        if value is None or type(value) in _PLAIN:
            continue
        where = f"{path}{name}"
        if isinstance(value, BaseModel):
            found += _dates(value, f"{where}.")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found += _dates(item, f"{where}.{i}.")
        elif isinstance(value, date) and name not in ("recorded_at", "date_of_birth"):
            found.append((where, value.date() if isinstance(value, datetime) else value))
    return found


# may lie ahead by design: a planned service, a period paid ahead, an identifier or address
# known to hold until a date to come
_PLANNED = ("planned_start", "planned_end", "period_end", "valid_to")


def _date_problems(event: Event, today: date) -> list[Problem]:
    found = []
    dob = event.envelope.subject.date_of_birth
    if dob is not None and dob > today:
        found.append(Problem("FUTURE_DATE", "envelope.subject.date_of_birth", "is in the future"))
    occurred = event.envelope.occurred_at.date()
    if dob is not None and dob > occurred:
        found.append(
            Problem("DOB_AFTER_EVENT", "envelope.subject.date_of_birth", "is after the event")
        )
    for where, value in _dates(event):
        if value > today and not where.endswith(_PLANNED):
            found.append(Problem("FUTURE_DATE", where, "is in the future"))
    return found


def problems(event: Event, today: date) -> list[Problem]:
    """Every rule ``event`` breaks; empty when it may be published."""
    subject = event.envelope.subject
    volumes = [Problem(*found) for found in volume_problems(event)]
    return _identifier_problems(subject) + _date_problems(event, today) + volumes


def build_event(model: type[Event], data: dict[str, Any], today: date) -> Event:
    """Construct and validate an event, or raise :class:`EventRejectedError` with every problem.

    Text rules come first (:mod:`hub.domain.input_rules`): a control character, lone surrogate,
    over-deep nesting or over-long text refuses the input before the model sees it."""
    data, text_problems = clean_tree(data)
    if text_problems:
        raise EventRejectedError([Problem(p.code, p.field, p.message) for p in text_problems])
    try:
        event = model.model_validate(data)
    except ValidationError as exc:
        raise EventRejectedError([_from_pydantic(error) for error in exc.errors()]) from None
    if found := problems(event, today):
        raise EventRejectedError(found)
    return event


def _from_pydantic(error: Any) -> Problem:
    field = ".".join(str(part) for part in error["loc"]) or "event"
    kind = error["type"]
    if kind == "missing":
        return Problem("MISSING_FIELD", field, "is required")
    if kind in ("enum", "literal_error") or "code" in str(error.get("msg", "")):
        return Problem("UNKNOWN_CODE", field, _safe_message(error))
    if kind.startswith(("date", "datetime", "timezone")):
        return Problem("INVALID_DATE", field, "is not a valid date")
    return Problem("INVALID_VALUE", field, _safe_message(error))


def _safe_message(error: Any) -> str:
    """pydantic's message without the offending input (it may be personal data)."""
    message = str(error.get("msg", "is invalid"))
    return message.split(", got ", maxsplit=1)[0].split(" [", maxsplit=1)[0]
