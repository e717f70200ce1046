"""Signing in and out: the password check, lockout after repeated failures, and ending every
session of the user on sign-out.

A user id locks after 5 failed sign-ins in 15 minutes, an address after 20
(``hub.domain.sign_in_limits``); while locked, sign-in is refused with 429 before any
password is checked, with the same words for a known and an unknown user id.

Every sign-in, refusal and sign-out is a record on the audit trail (``hub audit --action
inbox.sign-in-refused``): the user id when it is a known user's (``unknown-user`` otherwise,
since what was typed may be a password in the wrong field), the client address, and the
reason; never the password. Refusals are counted in ``hub_sign_in_failures_total{reason}``.
"""

from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.staff_roles import Role, StaffAction, may
from hub.entrypoints.web.inbox.requests import (
    audit,
    client_address,
    keep,
    page,
    read_form,
    see_other,
    session_of,
    signed_in,
    trail,
)
from hub.entrypoints.web.inbox.session import COOKIE, Session
from hub.entrypoints.web.metrics_http import sign_in_failed
from hub.ports import SignInAttempts, StaffDirectory

WRONG = "Wrong user id or password."
LOCKED = "Too many failed sign-ins. Try again in {minutes} minutes, or ask an administrator."


def _form(request: Request, session: Session, status: int = 200, error: str | None = None
          ) -> Response:
    response = page("sign_in.html", None, status, title="Sign in", csrf=session.csrf,
                    error=error, has_error=bool(error))
    return keep(response, request, session)


def home(role: Role) -> str:
    """Where a signed-in user starts: the tasks, or for an administrator the users page."""
    return "/" if may(role, StaffAction.VIEW_TASKS) else "/users"


async def sign_in_form(request: Request) -> Response:
    staff = await signed_in(request)
    if staff is not None:
        return see_other(home(staff.user.role))
    session = session_of(request)
    return _form(request, session if session and not session.user else Session.anonymous())


async def sign_in(request: Request) -> Response:
    session, form = session_of(request), await read_form(request)
    users: StaffDirectory = request.app.state.users
    user_id, address, now = form.get("user", "").strip(), client_address(request), time.time()
    known = await run_in_threadpool(users.user, user_id) if user_id else None
    actor = known.user_id if known else "unknown-user"  # never what an unknown id typed
    if session is None or not session.csrf_ok(form.get("csrf")):
        await _refused(request, actor, "expired-form")
        return _form(request, Session.anonymous(), 403,
                     "The sign-in form expired. Please try again.")
    attempts: SignInAttempts = request.app.state.attempts
    until = await run_in_threadpool(attempts.locked_until, user_id, address, now)
    if until is not None:
        await _refused(request, actor, "locked")
        minutes = max(1, round((until - now) / 60))
        return _form(request, session, 429, LOCKED.format(minutes=minutes))
    user = await run_in_threadpool(users.authenticate, user_id,
                                   form.get("password", ""))  # scrypt: CPU
    if user is None:
        await run_in_threadpool(attempts.failed, user_id, address, now)
        await _refused(request, actor, "wrong-password" if known else "unknown-user")
        return _form(request, session, 401, WRONG)
    await run_in_threadpool(attempts.succeeded, user.user_id)
    audit("sign-in", user.user_id, role=user.role.value)
    await trail(request, "sign-in", user.user_id, outcome="signed-in")
    return keep(see_other(home(user.role)), request, session.signed_in(user.user_id))


async def _refused(request: Request, actor: str, reason: str) -> None:
    sign_in_failed(reason)
    audit("sign-in-refused", actor, reason=reason)
    await trail(request, "sign-in-refused", actor, outcome=reason)


async def sign_out(request: Request) -> Response:
    """Ends every session of the user (all browsers), then back to the sign-in page."""
    staff = await signed_in(request)
    if staff is not None and staff.session.csrf_ok(staff.form.get("csrf")):
        users: StaffDirectory = request.app.state.users
        await run_in_threadpool(users.end_sessions, staff.user.user_id, time.time())
        audit("sign-out", staff.user.user_id)
        await trail(request, "sign-out", staff.user.user_id, outcome="all-sessions-ended")
    response = see_other("/sign-in")
    response.delete_cookie(COOKIE, path="/")
    return response
