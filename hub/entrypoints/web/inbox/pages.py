"""The task page and the child page: the task or child, who the child is, what the hub knows.

Both are refused with 403 when the task (or every open task of the child) belongs to another
team; both record the view of the child's details in the audit store before showing it.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.outputs import TaskChanged
from hub.domain.staff_roles import StaffAction
from hub.entrypoints.web.inbox.actions import ACTIONS, notice_for, team_members
from hub.entrypoints.web.inbox.child import glance, identity_of, record_view, sees, visible_tasks
from hub.entrypoints.web.inbox.queue import TYPE_NAMES
from hub.entrypoints.web.inbox.requests import (
    Staff,
    audit,
    forbidden,
    keep,
    page,
    refused,
    requires,
)
from hub.ports import HubStore

ENGLAND = ZoneInfo("Europe/London")


def _facts(task: TaskChanged) -> list[tuple[str, str, str]]:
    held = ""
    if task.assignee:
        since = task.changed_at.astimezone(ENGLAND).strftime("%d %b %Y %H:%M")
        held = f"{task.assignee}, since {since}"
    rows = [("type", "Type", TYPE_NAMES[task.task_type]), ("status", "Status", task.status.value),
            ("priority", "Priority", task.priority.value),
            ("due", "Due", task.due_date.strftime("%d %b %Y")), ("team", "Team", task.team),
            ("claimed-by", "Claimed by", held), ("what-happened", "What happened",
                                                 task.what_happened),
            ("what-to-do", "What to do", task.what_to_do)]
    if task.resolution:
        rows.append(("resolution", "Resolution", task.resolution))
    if task.changed_by:
        when = task.changed_at.astimezone(ENGLAND).strftime("%d %b %Y %H:%M")
        rows.append(("last-changed", "Last changed", f"by {task.changed_by}, {when}"))
    return rows


@requires(StaffAction.VIEW_CHILD)
async def task_detail(request: Request, staff: Staff) -> Response:
    task_id, store = request.path_params["task_id"], request.app.state.store
    task = await run_in_threadpool(store.task, task_id)
    if task is None:
        return refused(staff, 404, "Not found", "No such task.")
    if not sees(staff, task):
        audit("view-refused", staff.user.user_id, task_id=task_id)
        return forbidden(staff)
    await run_in_threadpool(record_view, request, staff, task.child_key, f"task:{task_id}")
    identity = await run_in_threadpool(identity_of, store, task.child_key)
    child = await run_in_threadpool(glance, store, task.child_key)
    pending, session = staff.session.pending, staff.session
    notice = None
    if pending and pending.task_id == task_id:
        notice = await run_in_threadpool(notice_for, pending, task, store)
        if notice.kind != "waiting":
            session = replace(session, pending=None)  # shown once: the result is known
    actions = [name for name, action in ACTIONS.items() if staff.may(action)]
    members = (await run_in_threadpool(team_members, request, task.team)
               if "assign" in actions else [])
    response = page("task.html", staff, title=task.title, task=task, facts=_facts(task),
                    notice=notice, actions=actions, identity=identity, child=child,
                    records=child.records, members=members)
    return keep(response, request, session)


@requires(StaffAction.VIEW_CHILD)
async def child_detail(request: Request, staff: Staff) -> Response:
    child_key, store = request.path_params["child_key"], request.app.state.store
    tasks = await run_in_threadpool(visible_tasks, staff, store, child_key)
    if not tasks:
        known = await run_in_threadpool(_known, store, child_key)
        audit("view-refused", staff.user.user_id, child_key=child_key if known else None)
        if not known:
            return refused(staff, 404, "Not found", "No such child.")
        return forbidden(staff)
    await run_in_threadpool(record_view, request, staff, child_key, "child")
    identity = await run_in_threadpool(identity_of, store, child_key)
    child = await run_in_threadpool(glance, store, child_key)
    return page("child.html", staff, title=f"Child {child_key}", identity=identity,
                child=child, tasks=tasks)


def _known(store: HubStore, child_key: str) -> bool:
    return store.child_summary(child_key) is not None or store.person(child_key) is not None
