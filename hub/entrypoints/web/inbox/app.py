"""The web inbox for CSC staff: sign in, see the team's open tasks, work one task.

Pages: ``/sign-in``, ``/`` (open tasks, ``?show=team|mine|all``), ``/tasks/{task_id}`` (the
task, the child at a glance, the actions, a possible match's answer, the split form) and
``/healthz``. Actions POST a staff command to
the commands topic (``inbox_actions``); the worker applies it and the store, which the pages
read, shows the result. Every view of a task (so of a child's detail) and every action is
audited with ids only. Flow and rules: docs/inbox.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from hub.adapters.prometheus_metrics import SIGN_IN_FAILURES
from hub.entrypoints.web.inbox import html
from hub.entrypoints.web.inbox.actions import act, notice_for
from hub.entrypoints.web.inbox.requests import (
    SecurityHeaders,
    Staff,
    audit,
    keep,
    read_form,
    refused,
    requires_staff,
    see_other,
    session_of,
)
from hub.entrypoints.web.inbox.session import COOKIE, Session, SessionSigner
from hub.entrypoints.web.inbox.task_html import ChildView, task_page
from hub.entrypoints.web.metrics_http import RequestMetrics, metrics_route
from hub.ports import HubStore, StaffDirectory
from hub.usecases.identity_review_commands import IdentityReviews, person_records
from hub.usecases.publishing import Publisher
from hub.usecases.staff_commands import StaffCommands

PublisherFactory = Callable[[], AbstractAsyncContextManager[Publisher]]
Clock = Callable[[], datetime]
ENGLAND = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    return datetime.now(UTC)


async def sign_in_form(request: Request) -> Response:
    session = session_of(request)
    users: StaffDirectory = request.app.state.users
    user = None
    if session and session.user:
        user = await run_in_threadpool(users.user, session.user)
    if user is not None:
        return see_other("/")
    session = session if session and not session.user else Session.anonymous()
    return keep(HTMLResponse(html.sign_in_page(session.csrf)), request, session)


async def sign_in(request: Request) -> Response:
    session, form = session_of(request), await read_form(request)
    if session is None or not session.csrf_ok(form.get("csrf")):
        fresh = Session.anonymous()
        page = html.sign_in_page(fresh.csrf, "The sign-in form expired. Please try again.")
        SIGN_IN_FAILURES.labels("expired-form").inc()
        return keep(HTMLResponse(page, 403), request, fresh)
    users: StaffDirectory = request.app.state.users
    user = await run_in_threadpool(users.authenticate, form.get("user", ""),
                                   form.get("password", ""))  # scrypt: CPU
    if user is None:
        audit("sign-in-refused", None)
        SIGN_IN_FAILURES.labels("wrong-credentials").inc()
        page = html.sign_in_page(session.csrf, "Wrong user id or password.")
        return keep(HTMLResponse(page, 401), request, session)
    audit("sign-in", user.user_id)
    return keep(see_other("/"), request, session.signed_in(user.user_id))


@requires_staff
async def sign_out(request: Request, staff: Staff) -> Response:
    audit("sign-out", staff.user.user_id)
    response = see_other("/sign-in")
    response.delete_cookie(COOKIE, path="/")
    return response


@requires_staff
async def inbox(request: Request, staff: Staff) -> Response:
    show = request.query_params.get("show", "team")
    show = show if show in html.SHOW else "team"
    store: HubStore = request.app.state.store
    team = staff.user.team if show == "team" else None
    tasks = await run_in_threadpool(store.open_tasks, team)
    if show == "mine":
        tasks = [t for t in tasks if t.assignee == staff.user.user_id]
    audit("list", staff.user.user_id, show=show, tasks=len(tasks))
    today = request.app.state.clock().astimezone(ENGLAND).date()
    return HTMLResponse(html.inbox_page(tasks, show, user=staff.user.user_id,
                                        team=staff.user.team, csrf=staff.session.csrf,
                                        today=today))


def _child_view(store: HubStore, child_key: str) -> ChildView:
    return ChildView(store.child_summary(child_key), store.flags(child_key),
                     store.timeline(child_key), person_records(store, child_key))


@requires_staff
async def task_detail(request: Request, staff: Staff) -> Response:
    task_id, store = request.path_params["task_id"], request.app.state.store
    task = await run_in_threadpool(store.task, task_id)
    if task is None:
        return refused(request, staff, 404, "Not found", "No such task.")
    audit("view", staff.user.user_id, task_id=task_id, child_key=task.child_key)
    child = await run_in_threadpool(_child_view, store, task.child_key)
    pending, session = staff.session.pending, staff.session
    notice = None
    if pending and pending.task_id == task_id:
        notice = await run_in_threadpool(notice_for, pending, task, store)
        if notice.kind != "waiting":
            session = replace(session, pending=None)  # shown once: the result is known
    page = task_page(task, child, notice, user=staff.user.user_id, team=staff.user.team,
                     csrf=session.csrf)
    return keep(HTMLResponse(page), request, session)


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(publisher_factory: PublisherFactory, store: HubStore, users: StaffDirectory,
               signer: SessionSigner, clock: Clock = utc_now) -> Starlette:
    """The inbox; the publisher is opened on start-up and closed (flushed) on shutdown."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with publisher_factory() as publisher:
            app.state.commands = StaffCommands(publisher, store, clock)
            app.state.reviews = IdentityReviews(app.state.commands)
            yield

    routes = [
        Route("/", inbox, methods=["GET"]),
        Route("/sign-in", sign_in_form, methods=["GET"]),
        Route("/sign-in", sign_in, methods=["POST"]),
        Route("/sign-out", sign_out, methods=["POST"]),
        Route("/tasks/{task_id}", task_detail, methods=["GET"]),
        Route("/tasks/{task_id}/{action}", requires_staff(act), methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        metrics_route(),
    ]
    counting = Middleware(RequestMetrics, app_name="inbox", routes=routes)
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[counting, Middleware(SecurityHeaders)])
    app.state.store, app.state.users, app.state.signer = store, users, signer
    app.state.clock = clock
    return app
