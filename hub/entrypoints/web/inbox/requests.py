"""What every inbox request goes through: the session cookie, sign-in, CSRF, audit, headers.

``requires_staff`` wraps a page: no signed-in user means a redirect to ``/sign-in``; a POST
without the session's CSRF token is refused with 403 before the page sees it. Audit lines
name the staff user, the action and ids (task, child key, command), nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.domain.staff import StaffUser
from hub.entrypoints.web.inbox.html import e, page
from hub.entrypoints.web.inbox.session import COOKIE, LIFETIME_S, Session, SessionSigner
from hub.logging import get_logger

MAX_FORM_BYTES = 16 * 1024
log = get_logger("hub.inbox.audit")


@dataclass(frozen=True)
class Staff:
    user: StaffUser
    session: Session
    form: dict[str, str]


Page = Callable[[Request, Staff], Awaitable[Response]]


def audit(action: str, user: str | None, **ids: Any) -> None:
    log.info("inbox audit", action=action, user=user, **ids)


def session_of(request: Request) -> Session | None:
    signer: SessionSigner = request.app.state.signer
    return signer.loads(request.cookies.get(COOKIE))


def keep(response: Response, request: Request, session: Session) -> Response:
    signer: SessionSigner = request.app.state.signer
    response.set_cookie(COOKIE, signer.dumps(session), max_age=LIFETIME_S, path="/",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form body of at most 16 KiB; the first value of each field."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return {}
        chunks.append(chunk)
    fields = parse_qs(b"".join(chunks).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def refused(request: Request, staff: Staff | None, status: int, title: str, text: str
            ) -> HTMLResponse:
    user, team = (staff.user.user_id, staff.user.team) if staff else (None, None)
    csrf = staff.session.csrf if staff else ""
    body = (f'<p class="notice error" id="problem">{e(text)}</p>'
            '<p><a href="/">Back to the inbox</a></p>')
    return HTMLResponse(page(title, body, user=user, team=team, csrf=csrf), status)


def requires_staff(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        session = session_of(request)
        user = None
        if session and session.user:
            user = await run_in_threadpool(request.app.state.users.user, session.user)
        if session is None or user is None:
            return see_other("/sign-in")
        form = await read_form(request) if request.method == "POST" else {}
        staff = Staff(user, session, form)
        if request.method == "POST" and not session.csrf_ok(form.get("csrf")):
            audit("csrf-refused", user.user_id, path=request.url.path)
            return refused(request, staff, 403, "Refused",
                           "This form is out of date or did not come from the inbox. "
                           "Reload the page and try again.")
        return await handler(request, staff)

    return endpoint


_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """No framing, no scripts, no caching of pages about children, no referrer leaks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)
