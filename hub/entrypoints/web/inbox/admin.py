"""Pages for two roles that see no casework: an administrator's users page (add a user, reset
a password, which ends the user's sessions) and a data officer's data-quality page (the
latest report ``hub census compile`` wrote, in the same templates as its standalone file).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hub.census.quality_html import context as report_context
from hub.domain.outputs.codes import TaskType
from hub.domain.staff_roles import Role, StaffAction
from hub.entrypoints.web.inbox.requests import Staff, audit, page, refused, requires, trail
from hub.ports import HubStore, StaffAccounts

ROLES = [{"value": r.value, "text": r.value} for r in Role]


def _users_page(request: Request, staff: Staff, status: int = 200, **extra: Any) -> Response:
    users: StaffAccounts = request.app.state.users
    return page("users.html", staff, status, title="Users", users=users.listing(),
                roles=ROLES, has_error="error" in extra, **extra)


@requires(StaffAction.MANAGE_USERS)
async def users_page(request: Request, staff: Staff) -> Response:
    return await run_in_threadpool(_users_page, request, staff)


@requires(StaffAction.MANAGE_USERS)
async def add_user(request: Request, staff: Staff) -> Response:
    users: StaffAccounts = request.app.state.users
    form = staff.form
    user_id = form.get("user", "").strip()
    try:
        password = await run_in_threadpool(users.add, user_id, form.get("team", "").strip(),
                                           datetime.now(UTC), role=form.get("role", ""))
    except ValueError as exc:
        return await run_in_threadpool(_users_page, request, staff, 422, error=str(exc))
    audit("add-user", staff.user.user_id, target=user_id)
    issued = {"user_id": user_id, "password": password}
    return await run_in_threadpool(_users_page, request, staff, issued=issued)


@requires(StaffAction.MANAGE_USERS)
async def reset_user(request: Request, staff: Staff) -> Response:
    users: StaffAccounts = request.app.state.users
    user_id = request.path_params["user_id"]
    known = await run_in_threadpool(users.user, user_id)
    if known is None:
        return refused(staff, 404, "Not found", "No such user.")
    password = await run_in_threadpool(users.add, user_id, known.team, datetime.now(UTC),
                                       role=known.role.value, reset=True)
    audit("reset-user", staff.user.user_id, target=user_id)
    await trail(request, "reset-user", staff.user.user_id, outcome=f"user:{user_id}")
    issued = {"user_id": user_id, "password": password}
    return await run_in_threadpool(_users_page, request, staff, issued=issued)


def latest_report(reports: Path | None) -> tuple[dict[str, Any], str] | None:
    """The newest ``data_quality.json`` under ``reports`` and when it was written."""
    found = sorted(reports.glob("**/data_quality.json"), key=lambda p: p.stat().st_mtime
                   ) if reports and reports.is_dir() else []
    if not found:
        return None
    newest = found[-1]
    written = datetime.fromtimestamp(newest.stat().st_mtime, UTC).strftime("%d %b %Y %H:%M UTC")
    return json.loads(newest.read_text(encoding="utf-8")), written


@requires(StaffAction.VIEW_DATA_QUALITY)
async def data_quality(request: Request, staff: Staff) -> Response:
    store: HubStore = request.app.state.store
    found = await run_in_threadpool(latest_report, request.app.state.reports)
    reviews = sum(1 for t in await run_in_threadpool(store.open_tasks)
                  if t.task_type is TaskType.POSSIBLE_MATCH_REVIEW)
    audit("data-quality", staff.user.user_id)
    if found is None:
        return page("data_quality.html", staff, title="Data quality", report=None,
                    reviews=reviews)
    report, written = found
    return page("data_quality.html", staff, title=f"Data quality, census year "
                f"{report['census_year']}", compiled_at=written, reviews=reviews,
                **report_context(report))
