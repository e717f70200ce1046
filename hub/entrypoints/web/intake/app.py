"""The push intake over HTTP: ``POST /events/{event_type}`` with an API key, ``GET /healthz``.

202 means the event is durable in Kafka; 422 lists problems by field, code and message, never
by value; 401 is the same for a missing key, an unknown key id and a wrong secret; 403 means
the key's source system may not push that event type; 429 means this key sent too much, or
this address failed authentication too often (20 failures, then one every 5 s: refused
before any key is hashed, so bad keys cannot buy CPU). Each request is logged with its event
type, status, event id and source only, never its body; a 403 is also logged with the key id.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from time import monotonic

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub import bootstrap
from hub.audit import AuditLog
from hub.domain.events import EVENT_MODELS
from hub.domain.intake_rights import DEFAULT_RIGHTS, IntakeRights
from hub.domain.rate_limit import FAILED_AUTH, Bucket, RateLimit, is_full, take, wait_for
from hub.domain.validation import EventRejectedError
from hub.entrypoints.web.metrics_http import RequestMetrics, metrics_route
from hub.entrypoints.web.readiness import ReadyCheck, readyz
from hub.entrypoints.web.requests import (
    Refusal,
    json_object,
    presented_key,
    require_json,
    source_of,
)
from hub.logging import get_logger
from hub.ports import ApiKeyStore
from hub.usecases.intake import (
    Accepted,
    EventLogUnavailableError,
    EventTypeNotAllowedError,
    Intake,
    today_in_england,
)
from hub.usecases.publishing import Publisher

MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_S = 5
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
PublisherFactory = Callable[[], AbstractAsyncContextManager[Publisher]]
Clock = Callable[[], datetime]

log = get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _not_allowed(request: Request, refused: EventTypeNotAllowedError) -> Refusal:
    """403, logged with the key id, source and event type: never a value from the body."""
    key_id = (presented_key(request) or "").partition(".")[0]  # authenticated: well-formed
    log.warning("intake event type not allowed", key_id=key_id,
                source=refused.source_system, event_type=refused.event_type)
    return Refusal(403, {
        "error": "this source system may not send this event type",
        "source_system": refused.source_system,
        "event_type": refused.event_type,
    })


def _within_rate(request: Request) -> None:
    """429 when this key has used its burst and its rate (hub.domain.rate_limit)."""
    state = request.app.state
    key_id = (presented_key(request) or "").partition(".")[0]
    state.buckets[key_id], wait = take(state.rate_limit, state.buckets.get(key_id), monotonic())
    if wait > 0:
        log.warning("intake rate limited", key_id=key_id, source=request.state.source)
        raise Refusal(429, {"error": "too many requests for this key",
                            "retry_after_s": round(wait, 3)})


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _may_try_a_key(request: Request) -> None:
    """429 before any hashing when this address has failed authentication too often."""
    state = request.app.state
    wait = wait_for(state.auth_limit, state.auth_failures.get(_address(request)), monotonic())
    if wait > 0:
        log.warning("intake authentication failures limited")
        raise Refusal(429, {"error": "too many failed authentications from this address",
                            "retry_after_s": round(wait, 3)},
                      {"Retry-After": str(max(1, round(wait)))})


def _failed_auth(request: Request) -> None:
    state, now = request.app.state, monotonic()
    failures: dict[str, Bucket] = state.auth_failures
    failures[_address(request)], _ = take(state.auth_limit, failures.get(_address(request)), now)
    if len(failures) > 10_000:  # forget addresses whose budget is whole again
        for address in [a for a, b in failures.items() if is_full(state.auth_limit, b, now)]:
            del failures[address]


async def _authenticated(request: Request) -> str:
    _may_try_a_key(request)
    try:
        return await source_of(request, request.app.state.key_store)
    except Refusal as refusal:
        if refusal.status == 401:
            _failed_auth(request)
        raise


async def _accept(request: Request) -> Accepted:
    state = request.app.state
    source = await _authenticated(request)
    request.state.source = source
    _within_rate(request)
    event_type = request.path_params["event_type"]
    if event_type not in EVENT_MODELS:
        raise Refusal(404, {"error": "unknown event type", "known": sorted(EVENT_MODELS)})
    intake: Intake = state.intake
    try:
        intake.check_allowed(source, event_type)  # before the body is even read
    except EventTypeNotAllowedError as refused:
        raise _not_allowed(request, refused) from None
    require_json(request)
    body = await json_object(request, state.max_body)
    now = state.clock()
    try:
        return await intake.accept(event_type, body, source, today_in_england(now), now)
    except EventTypeNotAllowedError as refused:  # accept checks again; never a 503
        raise _not_allowed(request, refused) from None
    except EventRejectedError as rejected:
        raise Refusal(422, {"errors": [asdict(p) for p in rejected.problems]}) from None
    except EventLogUnavailableError as exc:  # valid, but not acknowledged in time: retryable
        log.error("intake publish failed", error=str(exc), source=source)
        raise Refusal(503, {"error": "event log unavailable; retry later"},
                      {"Retry-After": str(RETRY_AFTER_S)}) from None


async def post_event(request: Request) -> JSONResponse:
    accepted: Accepted | None = None
    try:
        accepted = await _accept(request)
        response = JSONResponse({"event_id": accepted.event_id, "topic": accepted.topic}, 202)
    except Refusal as refusal:
        response = refusal.response()
        bootstrap.count_intake_refusal(refusal.status)
    event_type = request.path_params["event_type"]
    await _audit(request, response.status_code)
    log.info(
        "intake request",
        event_type=event_type if event_type in EVENT_MODELS else "(unknown)",
        status=response.status_code,
        event_id=accepted.event_id if accepted else None,
        source=getattr(request.state, "source", None),
    )
    return response


def _actor(request: Request) -> str:
    """``key:<key id>`` for a well-formed presented key (even a refused one), else anonymous:
    never anything else the caller sent."""
    key_id = (presented_key(request) or "").partition(".")[0]
    return f"key:{key_id}" if _KEY_ID.match(key_id) else "anonymous"


async def _audit(request: Request, status: int) -> None:
    trail: AuditLog | None = request.app.state.audit
    if trail is None:
        return
    address = request.client.host if request.client else None
    await asyncio.to_thread(trail.record, _actor(request), "intake.push", None, address,
                            request.app.state.clock(), outcome=str(status))


async def healthz(_request: Request) -> JSONResponse:
    """Liveness only: the process answers. Whether it can do its work is ``/readyz``."""
    return JSONResponse({"status": "ok"})


def create_app(
    publisher_factory: PublisherFactory,
    key_store: ApiKeyStore,
    clock: Clock = utc_now,
    *,
    rights: IntakeRights = DEFAULT_RIGHTS,
    max_body: int = MAX_BODY_BYTES,
    rate_limit: RateLimit = RateLimit(),
    auth_limit: RateLimit = FAILED_AUTH,
    ready_checks: Mapping[str, ReadyCheck] | None = None,
    audit: AuditLog | None = None,
) -> Starlette:
    """The intake app; the publisher is opened on start-up and closed (flushed) on shutdown.

    ``rights`` says which event types each source system may push (403 for the rest).
    ``ready_checks`` (e.g. broker, store) decide ``/readyz``: 200 when all pass, else 503.
    ``audit`` receives one record per push: the key id, the status, the client address."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with publisher_factory() as publisher:
            app.state.intake = Intake(publisher, rights)
            yield

    routes = [
        Route("/events/{event_type}", post_event, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        metrics_route(),
    ]
    counting = Middleware(RequestMetrics, app_name="intake", routes=routes)
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[counting])
    app.state.ready_checks, app.state.audit = dict(ready_checks or {}), audit
    app.state.key_store, app.state.clock, app.state.max_body = key_store, clock, max_body
    app.state.rate_limit, app.state.buckets = rate_limit, {}
    app.state.auth_limit, app.state.auth_failures = auth_limit, {}
    return app
