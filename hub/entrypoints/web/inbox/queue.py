"""The inbox list: the user's tasks with counts, search, filters, sorting and paging, and
claiming several of them at once.

Only tasks the user may see are ever read into the page (``staff_roles.sees_task``): their
team's, and possible matches for a data officer. A search is matched against what the hub
holds of those tasks' children; the query itself is never logged or audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.outputs import TaskChanged
from hub.domain.outputs.codes import Priority, TaskStatus, TaskType
from hub.domain.staff_roles import StaffAction
from hub.domain.task_queue import DUE_STATES, OPEN, SORTS, QueueQuery, due_state, page_of
from hub.entrypoints.web.inbox.child import sees
from hub.entrypoints.web.inbox.requests import Staff, audit, page, refused, requires, see_other
from hub.logging import get_logger
from hub.ports import HubStore
from hub.usecases.child_lookup import children_matching
from hub.usecases.staff_commands import CommandNotSentError, StaffCommands

_Code = TypeVar("_Code", TaskType, TaskStatus, Priority)
ENGLAND = ZoneInfo("Europe/London")
SHOW = (("team", "My team's tasks"), ("mine", "Claimed by me"))
MAX_BULK = 50
log = get_logger(__name__)
TYPE_NAMES = {t: t.value.replace("_", " ").capitalize().replace("Sen ", "SEN ")
              for t in TaskType}
_DUE_NAMES = {"overdue": "Overdue", "today": "Due today", "week": "Due within 7 days",
              "later": "Due later"}


def today_in_england(request: Request) -> date:
    now = request.app.state.clock()
    return now.astimezone(ENGLAND).date()  # type: ignore[no-any-return]


def _choice(kind: type[_Code], raw: str) -> _Code | None:
    try:
        return kind(raw) if raw else None
    except ValueError:
        return None


def _options(form: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    def items(pairs: list[tuple[str, str]], everything: str) -> list[dict[str, str]]:
        return [{"value": "", "text": everything}, *({"value": v, "text": t} for v, t in pairs)]

    return {
        "type": items([(t.value, TYPE_NAMES[t]) for t in TaskType], "All types"),
        "status": items([(s.value, s.value.capitalize()) for s in OPEN], "Open or claimed"),
        "priority": items([(p.value, p.value.capitalize()) for p in Priority], "Any priority"),
        "due": items([(d, _DUE_NAMES[d]) for d in DUE_STATES], "Any due date"),
        "sort": [{"value": s, "text": f"{s.capitalize()}"} for s in SORTS],
    }


def _pagination(form: dict[str, str], current: int, pages: int) -> dict[str, Any]:
    def href(number: int) -> str:
        return "/?" + urlencode({**{k: v for k, v in form.items() if v}, "page": number})

    shown = [n for n in range(1, pages + 1) if n in (1, pages) or abs(n - current) <= 2]
    items: list[dict[str, Any]] = []
    for n in shown:
        if items and n - items[-1].get("number", n) > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": href(n), "current": n == current})
    paged: dict[str, Any] = {"items": items}
    if current > 1:
        paged["previous"] = {"href": href(current - 1)}
    if current < pages:
        paged["next"] = {"href": href(current + 1)}
    return paged


def visible(staff: Staff, store: HubStore) -> list[TaskChanged]:
    return [t for t in store.open_tasks() if sees(staff, t)]


@requires(StaffAction.VIEW_TASKS)
async def inbox(request: Request, staff: Staff) -> Response:
    params = request.query_params
    form = {k: params.get(k, "").strip()[:100] for k in
            ("show", "q", "type", "status", "priority", "due", "sort", "page")}
    show = form["show"] = form["show"] if form["show"] in dict(SHOW) else "team"
    store: HubStore = request.app.state.store
    tasks = await run_in_threadpool(visible, staff, store)
    if show == "mine":
        tasks = [t for t in tasks if t.assignee == staff.user.user_id]
    children = None
    if form["q"]:
        children = await run_in_threadpool(children_matching, store,
                                           [t.child_key for t in tasks], form["q"])
    query = QueueQuery(
        task_type=_choice(TaskType, form["type"]), status=_choice(TaskStatus, form["status"]),
        priority=_choice(Priority, form["priority"]),
        due=form["due"] if form["due"] in DUE_STATES else None,
        sort=form["sort"] if form["sort"] in SORTS else "due",
        page=int(form["page"]) if form["page"].isdigit() else 1, children=children)
    today = today_in_england(request)
    listed = page_of(tasks, query, today)
    audit("list", staff.user.user_id, show=show, searched=bool(form["q"]), tasks=listed.total)
    return page("inbox.html", staff, title="Inbox", page=listed, form=form, show=show,
                shows=SHOW, options=_options(form), type_names=TYPE_NAMES,
                heading=dict(SHOW)[show] if show == "mine" else f"Tasks for {staff.user.team}",
                due_states={t.task_id: due_state(t, today) for t in listed.tasks},
                claimed_since={t.task_id: t.changed_at.astimezone(ENGLAND).strftime(
                    "%d %b %Y %H:%M") for t in listed.tasks},
                may_claim=staff.may(StaffAction.CLAIM), banner=request.query_params.get(
                    "claimed") and f"Sent {request.query_params['claimed']} claim(s); "
                    "the hub records them in a moment.",
                pagination=_pagination(form, listed.page, listed.pages))


@requires(StaffAction.CLAIM)
async def bulk_claim(request: Request, staff: Staff) -> Response:
    """Claim every ticked task the user may see and that is open; each is one ClaimTask."""
    store: HubStore = request.app.state.store
    commands: StaffCommands = request.app.state.commands
    wanted = [t for t in staff.form.get("task", "").split("\n") if t][:MAX_BULK]
    sent = 0
    for task_id in wanted:
        task = await run_in_threadpool(store.task, task_id)
        if task is None or not sees(staff, task) or task.status is not TaskStatus.OPEN:
            audit("claim", staff.user.user_id, task_id=task_id, result="not sent")
            continue
        try:
            claim = await commands.claim(task_id, staff.user.user_id)
        except CommandNotSentError:
            audit("claim", staff.user.user_id, task_id=task_id, result="not sent")
            continue
        except Exception as exc:  # the event log failed: say how many were sent before
            log.error("inbox publish failed", error=type(exc).__name__, task_id=task_id)
            response = refused(staff, 503, "Not all sent: try again", f"Sent {sent} "
                               "claim(s); the hub could not record the rest just now, so they "
                               "were not sent. Try again in a minute.")
            response.headers["retry-after"] = "30"
            return response
        sent += 1
        audit("claim", staff.user.user_id, task_id=task_id, child_key=task.child_key,
              command_id=claim.command.command_id, result="sent", bulk=True)
    return see_other(f"/?claimed={sent}")
