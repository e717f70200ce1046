"""The push intake over HTTP: ``POST /events/{event_type}`` with an API key, ``GET /healthz``.

202 means the event is durable in Kafka; 422 lists problems by field, code and message, never
by value; 401 is the same for a missing key, an unknown key id and a wrong secret. Each
request is logged with its event type, status, event id and source only, never its body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import asdict
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.domain.events import EVENT_MODELS
from hub.domain.validation import EventRejectedError
from hub.entrypoints.web.requests import Refusal, json_object, source_of
from hub.logging import get_logger
from hub.ports import ApiKeyStore
from hub.services.intake import Accepted, Intake, today_in_england
from hub.services.publishing import Publisher

MAX_BODY_BYTES = 1024 * 1024
PublisherFactory = Callable[[], AbstractAsyncContextManager[Publisher]]
Clock = Callable[[], datetime]

log = get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def _accept(request: Request) -> Accepted:
    state = request.app.state
    source = await source_of(request, state.key_store)
    request.state.source = source
    event_type = request.path_params["event_type"]
    if event_type not in EVENT_MODELS:
        raise Refusal(404, {"error": "unknown event type", "known": sorted(EVENT_MODELS)})
    body = await json_object(request, state.max_body)
    intake: Intake = state.intake
    now = state.clock()
    try:
        return await intake.accept(event_type, body, source, today_in_england(now), now)
    except EventRejectedError as rejected:
        raise Refusal(422, {"errors": [asdict(p) for p in rejected.problems]}) from None
    except Exception as exc:  # validated already, so the event log failed: retryable
        log.error("intake publish failed", error=type(exc).__name__, source=source)
        raise Refusal(503, {"error": "event log unavailable; retry later"}) from None


async def post_event(request: Request) -> JSONResponse:
    accepted: Accepted | None = None
    try:
        accepted = await _accept(request)
        response = JSONResponse({"event_id": accepted.event_id, "topic": accepted.topic}, 202)
    except Refusal as refusal:
        response = refusal.response()
    event_type = request.path_params["event_type"]
    log.info(
        "intake request",
        event_type=event_type if event_type in EVENT_MODELS else "(unknown)",
        status=response.status_code,
        event_id=accepted.event_id if accepted else None,
        source=getattr(request.state, "source", None),
    )
    return response


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(
    publisher_factory: PublisherFactory,
    key_store: ApiKeyStore,
    clock: Clock = utc_now,
    *,
    max_body: int = MAX_BODY_BYTES,
) -> Starlette:
    """The intake app; the publisher is opened on start-up and closed (flushed) on shutdown."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with publisher_factory() as publisher:
            app.state.intake = Intake(publisher)
            yield

    routes = [
        Route("/events/{event_type}", post_event, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.key_store, app.state.clock, app.state.max_body = key_store, clock, max_body
    return app
