"""Tasks for CSC staff: which inputs need a person, and the legal moves of a task's life.

Raised by events (``on_event``) and by the resolver's possible matches (``open_task``); moved
by inbox commands (``claim``, ``close``). A task id is deterministic from its type and the
source record it is about, so a new version of the same record never raises a second task.
Life: OPEN -> CLAIMED -> DONE; OPEN or CLAIMED -> CANCELLED; OPEN -> DONE; DONE and CANCELLED
are final. An illegal move returns a :class:`RejectionCode`, never raises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hub.domain.child.context import Context, Outputs
from hub.domain.child.disclosure import Shared
from hub.domain.child.flag_rules import notice_of
from hub.domain.child.notifications import creates_contact
from hub.domain.child.state import ChildState
from hub.domain.event_facts import envelope_of, event_date
from hub.domain.events import (
    CafClosed,
    Event,
    SchoolExclusionRecorded,
    SenAssessmentRequested,
    YotReferralMade,
)
from hub.domain.events.early_help import CafClosureReason
from hub.domain.events.education import ExclusionType
from hub.domain.events.youth_justice import YotReferralKind
from hub.domain.outputs.base import output_id
from hub.domain.outputs.codes import RejectionCode, TaskStatus, TaskType
from hub.domain.outputs.tasks import TaskChanged

FINAL = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """What an input asks a person to do, before the rule table fills in the rest."""

    task_type: TaskType
    task_id: str
    what_happened: str
    start: date
    source_id: str
    reference: str | None = None
    related_child_key: str | None = None


def task_id_for(task_type: TaskType, *about: str) -> str:
    return output_id("task", task_type, *about)


_WHEN_KNOWN: dict[type[Event], tuple[Callable[[Any], bool], TaskType, str]] = {
    YotReferralMade: (lambda e: e.referral_kind is YotReferralKind.COURT_DISPOSAL,
                      TaskType.YOUTH_JUSTICE_LIAISON,
                      "A child known to CSC was referred to the Youth Offending Team after a "
                      "court disposal."),
    SchoolExclusionRecorded: (lambda e: e.exclusion_type is ExclusionType.PERMANENT,
                              TaskType.EXCLUSION_REVIEW,
                              "A child known to CSC was permanently excluded from school."),
}


def _wanted(before: ChildState, event: Event) -> list[tuple[TaskType, str]]:
    wanted: list[tuple[TaskType, str]] = []
    if isinstance(event, SenAssessmentRequested) and event.invites_csc:
        wanted.append((TaskType.SEN_PARTICIPATION, "Education asked for a statutory SEN "
                       f"assessment (requested by {event.requested_by}) and invites CSC."))
    if isinstance(event, CafClosed) and event.closure_reason is CafClosureReason.REFERRED_TO_CSC:
        wanted.append((TaskType.CAF_REFERRAL_SCREENING, "A CAF was closed with a referral to CSC."))
    when_known = _WHEN_KNOWN.get(type(event))
    if when_known and before.known_to_csc and when_known[0](event):
        wanted.append(when_known[1:])
    if creates_contact(before, event):
        contact = notice_of(event).contact
        wanted.append((TaskType.CONTACT_SCREENING, f"A {contact} notification arrived for a "
                       "child not known to CSC; a Contact record was created."))
    return wanted


def on_event(state: ChildState, shared: Shared, ctx: Context) -> tuple[ChildState, Outputs]:
    envelope = envelope_of(shared.event)
    outputs: Outputs = ()
    for task_type, what in _wanted(ctx.before, shared.event):
        about = (envelope.source_system, envelope.source_record_id)
        spec = TaskSpec(task_type, task_id_for(task_type, *about), what,
                        event_date(shared.event), envelope.event_id, envelope.source_record_id)
        state, opened = open_task(state, spec, ctx)
        outputs += opened
    return state, outputs


def open_task(state: ChildState, spec: TaskSpec, ctx: Context) -> tuple[ChildState, Outputs]:
    """A new task at version 1, unless the task exists already or its rule is switched off."""
    rule = ctx.rules.rule(spec.task_type)
    if state.task(spec.task_id) is not None or not rule.enabled:
        return state, ()
    task = TaskChanged(
        task_id=spec.task_id, task_type=spec.task_type, child_key=ctx.child_key,
        status=TaskStatus.OPEN, title=rule.title, what_happened=spec.what_happened,
        what_to_do=rule.what_to_do, team=rule.team,
        due_date=ctx.rules.due_date(spec.task_type, spec.start),
        priority=rule.priority_for(state.status), version=1, source_event_id=spec.source_id,
        reference=spec.reference, related_child_key=spec.related_child_key, changed_at=ctx.now,
    )
    return state.with_task(task), (task,)


def claim(task: TaskChanged, by: str, now: datetime) -> TaskChanged | RejectionCode | None:
    """The claimed task; None when ``by`` holds it already (nothing to do)."""
    if task.status in FINAL:
        return RejectionCode.TASK_CLOSED
    if task.status is TaskStatus.CLAIMED:
        return None if task.assignee == by else RejectionCode.ALREADY_CLAIMED
    return _next(task, now, status=TaskStatus.CLAIMED, assignee=by, changed_by=by)


def assign(task: TaskChanged, assignee: str, by: str, now: datetime
           ) -> TaskChanged | RejectionCode | None:
    """Held by ``assignee`` now (a manager's assignment, over anyone's claim); None when
    ``assignee`` holds it already."""
    if task.status in FINAL:
        return RejectionCode.TASK_CLOSED
    if task.status is TaskStatus.CLAIMED and task.assignee == assignee:
        return None
    return _next(task, now, status=TaskStatus.CLAIMED, assignee=assignee, changed_by=by)


def close(
    task: TaskChanged, status: TaskStatus, by: str | None, resolution: str, now: datetime
) -> TaskChanged | RejectionCode:
    """DONE or CANCELLED, from OPEN or CLAIMED only."""
    if task.status in FINAL:
        return RejectionCode.TASK_CLOSED
    return _next(task, now, status=status, resolution=resolution, changed_by=by)


def _next(task: TaskChanged, now: datetime, **changes: object) -> TaskChanged:
    return TaskChanged.model_validate(
        {**task.__dict__, **changes, "version": task.version + 1, "changed_at": now}
    )
