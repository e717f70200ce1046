"""``GET /metrics`` and request counting for the hub's Starlette apps (intake, inbox).

Requests are labelled by the route's template (``/events/{event_type}``), never the path as
sent, so no id or value reaches a label; a path no route matches is labelled ``(unmatched)``.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import bootstrap


async def metrics(_request: Request) -> Response:
    body, content_type = bootstrap.metrics_exposition()
    return Response(body, media_type=content_type)


def sign_in_failed(reason: str) -> None:
    """Count a refused inbox sign-in: ``wrong-password``, ``unknown-user``, ``locked`` or
    ``expired-form`` (a fixed vocabulary: never the user id)."""
    bootstrap.count_sign_in_failure(reason)


def metrics_route() -> Route:
    return Route("/metrics", metrics, methods=["GET"])


class RequestMetrics:
    """ASGI middleware: counts every HTTP request and times it, by app, method and route."""

    def __init__(self, app: ASGIApp, app_name: str, routes: list[Route]) -> None:
        self.app, self.app_name, self.routes = app, app_name, routes

    def _template(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return route.path
        return "(unmatched)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        route, method = self._template(scope), scope["method"]

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            bootstrap.count_http_request(self.app_name, method, route, status,
                                         time.perf_counter() - started)
