"""What every inbox request goes through: the session, the user's role, CSRF, pages, headers.

``requires(action)`` wraps a page: no live session means a redirect to ``/sign-in`` (a
session is dead when it expired, sat idle too long, or the user signed out or had their
password reset since it was issued); a role that may not take ``action`` gets 403; a POST
without the session's CSRF token is refused with 403 before the page sees it. Every page is
rendered from a template with a fresh CSP nonce for the Design System's script.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.audit import AuditLog
from hub.domain.staff import StaffUser
from hub.domain.staff_roles import Role, StaffAction, may
from hub.entrypoints.web.inbox.session import COOKIE, LIFETIME_S, Session, SessionSigner
from hub.logging import get_logger
from hub.pages.environment import render

MAX_FORM_BYTES = 16 * 1024
FORM_TIMEOUT_S = 10.0  # a form body not received by then is dropped (slow clients)
log = get_logger("hub.inbox.audit")


@dataclass(frozen=True)
class Staff:
    user: StaffUser
    session: Session
    form: dict[str, str]

    def may(self, action: StaffAction) -> bool:
        return may(self.user.role, action)


Page = Callable[[Request, Staff], Awaitable[Response]]


def audit(action: str, user: str | None, **ids: Any) -> None:
    log.info("inbox audit", action=action, user=user, **ids)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def trail(request: Request, action: str, actor: str, *, child_key: str | None = None,
                outcome: str = "") -> None:
    """One record on the shared audit trail (``hub audit``): ``inbox.<action>`` by ``actor``
    (a staff user id, or ``unknown-user``), from the client's address, now."""
    audit_log: AuditLog = request.app.state.trail
    await run_in_threadpool(audit_log.record, actor, f"inbox.{action}", child_key,
                            client_address(request), request.app.state.clock(),
                            outcome=outcome)


def session_of(request: Request) -> Session | None:
    signer: SessionSigner = request.app.state.signer
    return signer.loads(request.cookies.get(COOKIE))


def keep(response: Response, request: Request, session: Session) -> Response:
    """Send the session back, marked as used now (the idle timeout counts from here)."""
    signer: SessionSigner = request.app.state.signer
    response.set_cookie(COOKIE, signer.dumps(session.seen(time.time())), max_age=LIFETIME_S,
                        path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    return response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form body of at most 16 KiB, received within 10 s (else no fields: the
    request is refused as a stale form); the last value of single fields, and repeated
    fields (``task``) joined by newlines."""
    chunks, size = [], 0
    try:
        async with asyncio.timeout(FORM_TIMEOUT_S):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_FORM_BYTES:
                    return {}
                chunks.append(chunk)
    except TimeoutError:
        return {}
    fields = parse_qs(b"".join(chunks).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: "\n".join(values) if name == "task" else values[0]
            for name, values in fields.items()}


_CSP = ("default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def nav_for(user: StaffUser) -> list[dict[str, Any]]:
    items = [("/", "Tasks", StaffAction.VIEW_TASKS),
             ("/data-quality", "Data quality", StaffAction.VIEW_DATA_QUALITY),
             ("/users", "Users", StaffAction.MANAGE_USERS)]
    return [{"href": href, "text": text} for href, text, action in items
            if may(user.role, action)]


def page(template: str, staff: Staff | None, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``template``: the signed-in user's navigation, CSRF token and a CSP nonce."""
    nonce = secrets.token_urlsafe(16)
    who = staff.user if staff else None
    html = render(template, cspNonce=nonce, who=who, nav=nav_for(who) if who else [],
                  csrf=context.pop("csrf", staff.session.csrf if staff else ""), **context)
    response = HTMLResponse(html, status)
    response.headers["content-security-policy"] = _CSP.format(nonce=nonce)
    return response


def refused(staff: Staff | None, status: int, title: str, text: str) -> HTMLResponse:
    return page("problem.html", staff, status, title=title, text=text)


def forbidden(staff: Staff) -> HTMLResponse:
    return refused(staff, 403, "You cannot see this",
                   "This belongs to another team, or your role does not allow it.")


def requires(action: StaffAction) -> Callable[[Page], Callable[[Request], Awaitable[Response]]]:
    def wrap(handler: Page) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            staff = await signed_in(request)
            if staff is None:
                return see_other("/sign-in")
            if request.method == "POST" and not staff.session.csrf_ok(staff.form.get("csrf")):
                audit("csrf-refused", staff.user.user_id, path=request.url.path)
                return refused(staff, 403, "Refused",
                               "This form is out of date or did not come from the inbox. "
                               "Reload the page and try again.")
            if not staff.may(action):
                audit("refused", staff.user.user_id, need=action.value, path=request.url.path)
                return forbidden(staff)
            response = await handler(request, staff)
            if "set-cookie" not in response.headers:
                keep(response, request, staff.session)
            return response

        return endpoint

    return wrap


async def signed_in(request: Request) -> Staff | None:
    session = session_of(request)
    if session is None or not session.user:
        return None
    user: StaffUser | None = await run_in_threadpool(request.app.state.users.user, session.user)
    if user is None or session.issued_at < user.sessions_from:
        return None
    form = await read_form(request) if request.method == "POST" else {}
    return Staff(user, session, form)


_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
_DEFAULT_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; "
                b"base-uri 'none'; form-action 'self'")


class SecurityHeaders:
    """No framing, no caching of pages about children, no referrer leaks; a page sets its own
    CSP (with its nonce), anything else gets one that allows nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_HEADERS]
                if not any(name == b"content-security-policy" for name, _ in headers):
                    headers.append(_DEFAULT_CSP)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


__all__ = ["Role", "Staff", "StaffAction", "audit", "page", "requires", "see_other"]
