"""The task page: the task, what became of the last command sent, the actions, and the child.

The child section is what the store holds at a glance (CSC status, active flags, counts and
the most recent timeline entries), and the form that splits person records out of the child;
the hub's child key names the child, never a name or an identifier a source system holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.outputs import TaskChanged, TimelineEntry
from hub.domain.outputs.codes import TaskStatus, TaskType
from hub.entrypoints.web.inbox.html import csrf_field, e, page
from hub.entrypoints.web.inbox.review_html import review_buttons, split_form
from hub.ports import ChildSummary, FlagView
from hub.usecases.identity_review_commands import PersonRecordRef

RECENT = 10
FINISHED = (TaskStatus.DONE, TaskStatus.CANCELLED)


@dataclass(frozen=True)
class ChildView:
    summary: ChildSummary | None
    flags: list[FlagView]
    timeline: list[TimelineEntry]
    records: list[PersonRecordRef] | None = None  # None: the store cannot list them


@dataclass(frozen=True)
class Notice:
    kind: str  # "waiting", "done", "rejected" or "sent" (not refused; the store cannot tell more)
    text: str


def _facts(task: TaskChanged) -> str:
    rows = [("Type", task.task_type), ("Status", task.status), ("Priority", task.priority),
            ("Due", task.due_date), ("Team", task.team), ("Claimed by", task.assignee or ""),
            ("What happened", task.what_happened), ("What to do", task.what_to_do)]
    if task.resolution:
        rows.append(("Resolution", task.resolution))
    if task.changed_by:
        rows.append(("Last changed", f"by {task.changed_by}, {task.changed_at:%Y-%m-%d %H:%M}"))
    cells = "".join(f'<tr><th>{e(k)}</th><td id="task-{e(k.lower().replace(" ", "-"))}">'
                    f"{e(v)}</td></tr>" for k, v in rows)
    return f'<table id="task">{cells}</table>'


def _form(action: str, csrf: str, button: str, field: str = "", extra: str = "") -> str:
    text = (f'<label>{e(field.capitalize())} <textarea name="{field}" id="{field}" rows="2" '
            f'cols="60" required></textarea></label>') if field else ""
    return (f'<form method="post" action="{e(action)}">{csrf_field(csrf)}{text}{extra}'
            f'<button type="submit" id="{action.rsplit("/", 1)[1]}">{e(button)}</button></form>')


def _actions(task: TaskChanged, csrf: str) -> str:
    if task.status in FINISHED:
        return "<p>This task is finished.</p>"
    base, parts = f"/tasks/{task.task_id}", []
    if task.status is TaskStatus.OPEN:
        parts.append(_form(f"{base}/claim", csrf, "Claim"))
    if task.task_type is TaskType.SEN_PARTICIPATION and task.reference:
        parts.append(
            f'<form method="post" action="{e(base)}/sen-participation">{csrf_field(csrf)}'
            '<button type="submit" name="will" value="yes" id="will">CSC will participate'
            '</button> <button type="submit" name="will" value="no" id="will-not">CSC will '
            "not participate</button></form>")
    elif task.task_type is TaskType.POSSIBLE_MATCH_REVIEW:
        parts.append(review_buttons(task, csrf))
    else:
        parts.append(_form(f"{base}/complete", csrf, "Complete", "outcome"))
    parts.append(_form(f"{base}/cancel", csrf, "Cancel task", "reason"))
    return "<h2>Actions</h2>" + "".join(parts)


def _child(task: TaskChanged, child: ChildView, csrf: str) -> str:
    head = f'<h2>Child {e(task.child_key)}</h2>'
    if child.summary is None:
        return head + "<p>The hub holds no other record of this child.</p>"
    split = split_form(task, child.records, csrf)
    s = child.summary
    as_of = f" (as of {s.csc_status_as_of})" if s.csc_status_as_of else ""
    flags = "".join(f"<li>{e(f.flag)} since {e(f.raised_on)}: {e(f.summary)}</li>"
                    for f in child.flags if f.active) or "<li>none</li>"
    recent = list(reversed(child.timeline[-RECENT:]))
    rows = "".join(f"<tr><td>{t.occurred_at:%Y-%m-%d %H:%M}</td><td>{e(t.source_system)}</td>"
                   f"<td>{e(t.event_type)}</td><td>{e(t.summary)}</td></tr>" for t in recent)
    timeline = (f'<table id="timeline"><thead><tr><th>When (UTC)</th><th>Source</th>'
                f"<th>Event</th><th>Summary</th></tr></thead><tbody>{rows}</tbody></table>"
                if rows else "<p>No timeline entries.</p>")
    return (f'{head}<p id="csc-status">CSC status: {e(s.csc_status)}{e(as_of)}</p>'
            f'<p>Open tasks: {s.open_tasks}; contacts created by the hub: {s.contacts}</p>'
            f'<h3>Active flags</h3><ul id="flags">{flags}</ul>'
            f"<h3>Recent timeline (newest first, {len(recent)} of {s.timeline_entries})</h3>"
            f"{timeline}{split}")


def task_page(task: TaskChanged, child: ChildView, notice: Notice | None, *, user: str,
              team: str, csrf: str) -> str:
    shown = (f'<p class="notice {"error" if notice.kind == "rejected" else ""}" id="notice" '
             f'data-kind="{e(notice.kind)}">{e(notice.text)}</p>') if notice else ""
    body = shown + _facts(task) + _actions(task, csrf) + _child(task, child, csrf)
    refresh = 2 if notice and notice.kind == "waiting" else None
    return page(task.title, body, user=user, team=team, csrf=csrf, refresh_s=refresh)
