"""The task page's buttons: each POST sends one staff command, then back to the task page.

Each action needs a role (``hub.domain.staff_roles``) and a task the user may see (their
team's; a possible match also for a data officer): otherwise 403 and nothing is sent.

The session remembers the command (task id, command id, the task's version when sent), so the
task page can say "sent, waiting for the hub" until the store shows a newer version of the
task, or a ``CommandRejected`` for that command id. A split changes no task: it is done when
the store no longer lists the records under the child (when the store can list them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.outputs import TaskChanged
from hub.domain.staff_roles import StaffAction, may
from hub.entrypoints.web.inbox.child import sees
from hub.entrypoints.web.inbox.requests import (
    Staff,
    audit,
    forbidden,
    keep,
    refused,
    requires,
    see_other,
    trail,
)
from hub.entrypoints.web.inbox.session import Pending
from hub.logging import get_logger
from hub.ports import HubStore
from hub.usecases.identity_review_commands import IdentityReviews, person_records
from hub.usecases.staff_commands import CommandNotSentError, Sent, StaffCommands

ACTIONS = {"claim": StaffAction.CLAIM, "assign": StaffAction.ASSIGN,
           "complete": StaffAction.COMPLETE, "cancel": StaffAction.CANCEL,
           "sen-participation": StaffAction.SEN_PARTICIPATION,
           "review": StaffAction.REVIEW_MATCH, "split": StaffAction.SPLIT}
MAX_SPLIT = 50  # record ids in one split from the form (and remembered in the cookie)
RECORD_FIELD = "record-"  # one checkbox per person record: record-0, record-1, ...
log = get_logger(__name__)


@dataclass(frozen=True)
class Notice:
    kind: str  # "waiting", "done", "rejected" or "sent" (not refused; the store cannot tell more)
    text: str


def team_members(request: Request, team: str) -> list[str]:
    """Who a task of ``team`` may be assigned to: the team's casework staff."""
    users = request.app.state.users.listing()
    return [u.user_id for u in users if u.team == team
            and may(u.role, StaffAction.VIEW_TASKS)]


def chosen_records(form: dict[str, str]) -> list[str]:
    """The record ids a split form sent: the ticked boxes, or the lines of the text field."""
    ticked = [value for name, value in form.items() if name.startswith(RECORD_FIELD)]
    typed = form.get("records", "").replace(",", "\n").split()
    return ticked + typed


@dataclass(frozen=True)
class _Refusal(Exception):  # noqa: N818 - an answer to show, not a programming error
    status: int
    text: str


async def _send(request: Request, task: TaskChanged, action: str, staff: Staff) -> Sent:
    commands: StaffCommands = request.app.state.commands
    by, form = staff.user.user_id, staff.form
    if action in ("review", "split"):
        return await _send_identity(request.app.state.reviews, task, action, staff)
    if action == "claim":
        return await commands.claim(task.task_id, by)
    if action == "assign":
        assignee = form.get("assignee", "")
        if assignee not in await run_in_threadpool(team_members, request, task.team):
            raise _Refusal(422, "Choose a member of the task's team.")
        return await commands.assign(task.task_id, assignee, by)
    if action in ("complete", "cancel"):
        send = commands.complete if action == "complete" else commands.cancel
        return await send(task.task_id, by, form.get(
            "outcome" if action == "complete" else "reason", ""))
    if form.get("will") not in ("yes", "no") or not task.reference:
        raise _Refusal(400, "Choose whether CSC will or will not participate.")
    return await commands.sen_participation(task.child_key, task.reference,
                                            form["will"] == "yes", by)


async def _send_identity(reviews: IdentityReviews, task: TaskChanged, action: str,
                         staff: Staff) -> Sent:
    by, form = staff.user.user_id, staff.form
    if action == "review":
        if form.get("same") not in ("yes", "no"):
            raise _Refusal(400, "Choose whether it is the same child.")
        return await reviews.answer_possible_match(task.task_id, form["same"] == "yes", by)
    records = chosen_records(form)
    if len(records) > MAX_SPLIT:
        raise _Refusal(422, f"Split at most {MAX_SPLIT} records at a time.")
    return await reviews.split_child(task.child_key, records, by, form.get("reason", ""))


@requires(StaffAction.VIEW_TASKS)
async def act(request: Request, staff: Staff) -> Response:
    task_id, action = request.path_params["task_id"], request.path_params["action"]
    store: HubStore = request.app.state.store
    task = await run_in_threadpool(store.task, task_id)
    if action not in ACTIONS or task is None:
        return refused(staff, 404, "Not found", "No such task or action.")
    if not (sees(staff, task) and staff.may(ACTIONS[action])):
        audit(action, staff.user.user_id, task_id=task_id, result="forbidden")
        return forbidden(staff)
    try:
        sent = await _send(request, task, action, staff)
    except _Refusal as refusal:
        return refused(staff, refusal.status, "Not sent", refusal.text)
    except CommandNotSentError as exc:
        status = 422 if isinstance(exc, ValueError) else (
            404 if isinstance(exc, LookupError) else 409)
        audit(action, staff.user.user_id, task_id=task_id, result="not sent")
        return refused(staff, status, "Not sent", str(exc))
    except Exception as exc:  # not acknowledged in time: the command was discarded unsent
        log.error("inbox publish failed", error=type(exc).__name__, task_id=task_id)
        audit(action, staff.user.user_id, task_id=task_id, result="unavailable")
        await trail(request, action, staff.user.user_id, child_key=task.child_key,
                    outcome="not-sent")
        return not_sent(staff)
    records = tuple(getattr(sent.command, "record_ids", ()))
    extra = {"record_ids": list(records)} if records else {}
    audit(action, staff.user.user_id, task_id=task_id, child_key=task.child_key,
          command_id=sent.command.command_id, result="sent", **extra)
    await trail(request, action, staff.user.user_id, child_key=task.child_key, outcome="sent")
    version = (sent.task or task).version
    pending = Pending(task_id, sent.command.command_id, version, time.time(), records)
    return keep(see_other(f"/tasks/{task_id}"), request, replace(staff.session, pending=pending))


RETRY_AFTER_S = 30


def not_sent(staff: Staff) -> Response:
    """503 in the Design System's words: nothing was sent, try again shortly."""
    response = refused(staff, 503, "Not sent: try again", "The hub could not record this "
                       "just now, so nothing was sent. Try again in a minute. If it keeps "
                       "happening, tell your IT service desk.")
    response.headers["retry-after"] = str(RETRY_AFTER_S)
    return response


def notice_for(pending: Pending, task: TaskChanged, store: HubStore) -> Notice:
    """What became of the command: refused, carried out, or still on its way."""
    rejected = store.rejection(pending.command_id)
    if rejected is not None:
        return Notice("rejected", f"The hub refused this: {rejected.reason}.")
    if pending.records:
        return _split_notice(pending, task, store)
    if task.version > pending.version:
        held = f", claimed by {task.assignee}" if task.assignee else ""
        return Notice("done", f"Done: the hub has recorded it. The task is {task.status}{held}.")
    late = time.time() - pending.sent_at > 60
    return Notice("waiting", "Sent, waiting for the hub." + (
        " No answer after a minute: is the hub worker running?" if late else ""))


def _split_notice(pending: Pending, task: TaskChanged, store: HubStore) -> Notice:
    held = person_records(store, task.child_key)
    if held is not None and not set(pending.records) & {r.record_id for r in held}:
        return Notice("done", "Done: the hub has split the records out of this child.")
    if time.time() - pending.sent_at <= 60:
        return Notice("waiting", "Sent, waiting for the hub.")
    if held is None:  # the store cannot show the split: no refusal within a minute is all
        return Notice("sent", "Sent a minute ago and not refused; the hub splits the records "
                      "when its worker reaches the command.")
    return Notice("waiting", "Sent, waiting for the hub. No answer after a minute: is the hub "
                  "worker running?")
