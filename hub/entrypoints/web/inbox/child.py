"""Who a child is, and who may know: the identity rows the task and child pages show, the
need-to-know checks, and the record of every view.

A child's details are shown to staff who can see one of the child's tasks (their team's, or
any possible match for a data officer); each showing is written to the child-view audit
(user, child key, page, time, address) before the page is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request

from hub.domain.outputs import TaskChanged, TimelineEntry
from hub.domain.outputs.codes import TaskType
from hub.domain.staff_roles import Role, sees_task
from hub.entrypoints.web.inbox.requests import Staff, audit, client_address
from hub.ports import ChildSummary, ChildViewed, FlagView, HubStore, PersonRecordView
from hub.usecases.identity_review_commands import person_records

CASE_SYSTEM = "csc"  # the CSC case system's connector (connectors/csc.py)
_IDS = (("LA_CHILD_ID", "la-child-id", "LA child id"), ("UPN", "upn", "UPN"),
        ("FORMER_UPN", "former-upn", "Former UPN"), ("NHS_NUMBER", "nhs-number", "NHS number"))


@dataclass(frozen=True)
class IdentityRow:
    field: str
    label: str
    value: str
    source: str


@dataclass(frozen=True)
class Identity:
    child_key: str
    rows: list[IdentityRow]


@dataclass(frozen=True)
class ChildGlance:
    summary: ChildSummary | None
    flags: list[FlagView]
    timeline: list[TimelineEntry]
    records: list[PersonRecordView] | None


def identity_of(store: HubStore, child_key: str) -> Identity:
    """Name and date of birth as last resolved; every identifier with the system it came from."""
    person, ids = store.person(child_key), store.identifiers(child_key)
    sources = sorted({r.source_system for r in store.person_records(child_key)})
    latest = "the latest of " + ", ".join(sources) if sources else "the hub's person records"
    rows: list[IdentityRow] = []
    if person and (person.given_name or person.family_name):
        name = " ".join(n for n in (person.given_name, person.family_name) if n)
        rows.append(IdentityRow("name", "Name", name, latest))
    if person and person.date_of_birth:
        rows.append(IdentityRow("date-of-birth", "Date of birth",
                                person.date_of_birth.strftime("%d/%m/%Y"), latest))
    for kind, field, label in _IDS:  # one row per value, naming every system that gave it
        values = sorted({i.identifier_value for i in ids if i.identifier_type == kind})
        rows += [IdentityRow(field, label, value, ", ".join(sorted(
            i.source_system for i in ids if (i.identifier_type, i.identifier_value) == (
                kind, value)))) for value in values]
    rows += [IdentityRow("case-system-id", "Case-system id", i.identifier_value, i.source_system)
             for i in ids if i.identifier_type == "SOURCE_ID" and i.source_system == CASE_SYSTEM]
    return Identity(child_key, rows)


def glance(store: HubStore, child_key: str) -> ChildGlance:
    return ChildGlance(store.child_summary(child_key), store.flags(child_key),
                       store.timeline(child_key), person_records(store, child_key))


def sees(staff: Staff, task: TaskChanged) -> bool:
    return sees_task(staff.user.role, staff.user.team, task.team, task.task_type)


def visible_tasks(staff: Staff, store: HubStore, child_key: str) -> list[TaskChanged]:
    """The open tasks that let this user see the child: the child's own that they may see,
    and for a data officer a possible match naming the child as its candidate. None means
    the child is not theirs to see."""
    own = [t for t in store.open_tasks(child_key=child_key) if sees(staff, t)]
    if staff.user.role is not Role.DATA_OFFICER:
        return own
    candidate = [t for t in store.open_tasks() if t.related_child_key == child_key
                 and t.task_type is TaskType.POSSIBLE_MATCH_REVIEW]
    return own + candidate


def record_view(request: Request, staff: Staff, child_key: str, page: str) -> None:
    """Write the view to the audit store (and the audit log line): who, which child, where."""
    when: datetime = request.app.state.clock()
    request.app.state.audit.record(ChildViewed(when, staff.user.user_id, child_key, page,
                                               client_address(request)))
    audit("view", staff.user.user_id, child_key=child_key, page=page)
