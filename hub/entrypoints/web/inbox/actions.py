"""The task page's buttons: each POST sends one staff command, then back to the task page.

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
from hub.entrypoints.web.inbox.requests import Staff, audit, keep, refused, see_other
from hub.entrypoints.web.inbox.review_html import chosen_records
from hub.entrypoints.web.inbox.session import Pending
from hub.entrypoints.web.inbox.task_html import Notice
from hub.logging import get_logger
from hub.ports import HubStore
from hub.usecases.identity_review_commands import IdentityReviews, person_records
from hub.usecases.staff_commands import CommandNotSentError, Sent, StaffCommands

ACTIONS = ("claim", "complete", "cancel", "sen-participation", "review", "split")
MAX_SPLIT = 50  # record ids in one split from the form (and remembered in the cookie)
log = get_logger(__name__)


@dataclass(frozen=True)
class _Refusal(Exception):  # noqa: N818 - an answer to show, not a programming error
    status: int
    text: str


async def _send(request: Request, task: TaskChanged, action: str, staff: Staff) -> Sent:
    commands: StaffCommands = request.app.state.commands
    reviews: IdentityReviews = request.app.state.reviews
    by, form = staff.user.user_id, staff.form
    if action == "claim":
        return await commands.claim(task.task_id, by)
    if action == "complete":
        return await commands.complete(task.task_id, by, form.get("outcome", ""))
    if action == "cancel":
        return await commands.cancel(task.task_id, by, form.get("reason", ""))
    if action == "review":
        if form.get("same") not in ("yes", "no"):
            raise _Refusal(400, "Choose whether it is the same child.")
        return await reviews.answer_possible_match(task.task_id, form["same"] == "yes", by)
    if action == "split":
        records = chosen_records(form)
        if len(records) > MAX_SPLIT:
            raise _Refusal(422, f"Split at most {MAX_SPLIT} records at a time.")
        return await reviews.split_child(task.child_key, records, by, form.get("reason", ""))
    if form.get("will") not in ("yes", "no") or not task.reference:
        raise _Refusal(400, "Choose whether CSC will or will not participate.")
    return await commands.sen_participation(task.child_key, task.reference,
                                            form["will"] == "yes", by)


async def act(request: Request, staff: Staff) -> Response:
    task_id, action = request.path_params["task_id"], request.path_params["action"]
    store: HubStore = request.app.state.store
    task = await run_in_threadpool(store.task, task_id)
    if action not in ACTIONS or task is None:
        return refused(request, staff, 404, "Not found", "No such task or action.")
    try:
        sent = await _send(request, task, action, staff)
    except _Refusal as refusal:
        return refused(request, staff, refusal.status, "Not sent", refusal.text)
    except CommandNotSentError as exc:
        status = 422 if isinstance(exc, ValueError) else (
            404 if isinstance(exc, LookupError) else 409)
        audit(action, staff.user.user_id, task_id=task_id, result="not sent")
        return refused(request, staff, status, "Not sent", str(exc))
    except Exception as exc:  # the event log failed: nothing is known to be sent
        log.error("inbox publish failed", error=type(exc).__name__, task_id=task_id)
        return refused(request, staff, 503, "Not sent", "The hub's event log is unavailable; "
                       "nothing was sent. Try again in a minute.")
    records = tuple(getattr(sent.command, "record_ids", ()))
    extra = {"record_ids": list(records)} if records else {}
    audit(action, staff.user.user_id, task_id=task_id, child_key=task.child_key,
          command_id=sent.command.command_id, result="sent", **extra)
    version = (sent.task or task).version
    pending = Pending(task_id, sent.command.command_id, version, time.time(), records)
    return keep(see_other(f"/tasks/{task_id}"), request, replace(staff.session, pending=pending))


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
