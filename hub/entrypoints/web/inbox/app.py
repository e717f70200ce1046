"""The web inbox for CSC staff, in the GOV.UK Design System: sign in, work the team's tasks,
see who a child is when the work needs it.

Pages: ``/sign-in``, ``/`` (the queue: counts, search, filters, sorting, paging, bulk claim),
``/tasks/{task_id}`` (the task, who the child is, the actions), ``/children/{child_key}``,
``/data-quality`` (data officers), ``/users`` (administrators), ``/assets/...`` (the Design
System's CSS, JavaScript and icons), ``/healthz`` (liveness), ``/readyz`` (the broker and the
store answer) and ``/metrics``. Roles and need-to-know are checked on
the server for every page and every action (``hub.domain.staff_roles``); every view of a
child's details, every sign-in (refused too) and every command goes to the audit trail
(``hub audit``). A command is sent by a producer of its own and acknowledged within 4.5 s, or
discarded unsent and answered 503 "Not sent: try again": the inbox never hangs on a stopped
broker, and starts without one. Flow and rules: docs/inbox.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from hub.audit import AuditLog
from hub.entrypoints.web.inbox import admin as inbox_admin
from hub.entrypoints.web.inbox import pages as inbox_pages
from hub.entrypoints.web.inbox import queue as inbox_queue
from hub.entrypoints.web.inbox import sign_in as inbox_sign_in
from hub.entrypoints.web.inbox.actions import act
from hub.entrypoints.web.inbox.requests import SecurityHeaders
from hub.entrypoints.web.inbox.session import SessionSigner
from hub.entrypoints.web.metrics_http import RequestMetrics, metrics_route
from hub.entrypoints.web.readiness import ReadyCheck, readyz
from hub.pages import assets
from hub.ports import HubStore, SignInAttempts, StaffAccounts
from hub.usecases.child_views import ChildViews
from hub.usecases.identity_review_commands import IdentityReviews
from hub.usecases.publishing import Publisher
from hub.usecases.staff_commands import StaffCommands

PublisherFactory = Callable[[], AbstractAsyncContextManager[Publisher]]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class InboxParts:
    """Everything the inbox keeps besides the hub store: users, sign-in failures, the audit
    trail (child views, sign-ins, commands)."""

    users: StaffAccounts
    attempts: SignInAttempts
    audit: AuditLog
    signer: SessionSigner
    reports: Path | None = None  # where ``hub census compile`` writes (data-quality page)


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def asset_route(folder: Path) -> Callable[[Request], Response]:
    def serve(request: Request) -> Response:
        path = assets.asset(request.path_params["name"], folder)
        if path is None:
            return PlainTextResponse("Not found", 404)
        return FileResponse(path, media_type=assets.SERVED[request.path_params["name"]])

    return serve


def create_app(publisher_factory: PublisherFactory, store: HubStore, parts: InboxParts,
               clock: Clock = utc_now, frontend: Path | None = None, *,
               ready_checks: Mapping[str, ReadyCheck] | None = None) -> Starlette:
    """The inbox; the publisher is opened on start-up and closed on shutdown.
    ``ready_checks`` (broker, store) decide ``/readyz``: 200 when all pass, else 503."""
    folder = frontend or assets.frontend_dir()  # refuses to start without the Design System

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with publisher_factory() as publisher:
            app.state.commands = StaffCommands(publisher, store, clock)
            app.state.reviews = IdentityReviews(app.state.commands)
            yield

    routes = [
        Route("/", inbox_queue.inbox, methods=["GET"]),
        Route("/sign-in", inbox_sign_in.sign_in_form, methods=["GET"]),
        Route("/sign-in", inbox_sign_in.sign_in, methods=["POST"]),
        Route("/sign-out", inbox_sign_in.sign_out, methods=["POST"]),
        Route("/tasks/claim", inbox_queue.bulk_claim, methods=["POST"]),
        Route("/tasks/{task_id}", inbox_pages.task_detail, methods=["GET"]),
        Route("/tasks/{task_id}/{action}", act, methods=["POST"]),
        Route("/children/{child_key}", inbox_pages.child_detail, methods=["GET"]),
        Route("/data-quality", inbox_admin.data_quality, methods=["GET"]),
        Route("/users", inbox_admin.users_page, methods=["GET"]),
        Route("/users", inbox_admin.add_user, methods=["POST"]),
        Route("/users/{user_id}/reset", inbox_admin.reset_user, methods=["POST"]),
        Route("/assets/{name:path}", asset_route(folder), methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        metrics_route(),
    ]
    counting = Middleware(RequestMetrics, app_name="inbox", routes=routes)
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[counting, Middleware(SecurityHeaders)])
    app.state.store, app.state.users, app.state.signer = store, parts.users, parts.signer
    app.state.attempts, app.state.reports = parts.attempts, parts.reports
    app.state.trail, app.state.audit = parts.audit, ChildViews(parts.audit)
    app.state.ready_checks = dict(ready_checks or {})
    app.state.clock = clock
    return app
