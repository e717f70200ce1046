"""Reading a push request safely: who sent it, and its JSON body within a size limit.

Every refusal is a :class:`Refusal` carrying its status and a body that names no value the
caller sent, so a refusal is safe to return and to log.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.domain.input_rules import json_depth_problem
from hub.ports import ApiKeyStore


class Refusal(Exception):  # noqa: N818 - a refusal is an answer, not a programming error
    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, self.status, headers=self.headers)


def unauthorized() -> Refusal:
    challenge = {"WWW-Authenticate": 'Bearer realm="cin-hub"'}
    return Refusal(401, {"error": "missing or invalid API key"}, challenge)


def presented_key(request: Request) -> str | None:
    """The key from ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("x-api-key", "").strip() or None


async def source_of(request: Request, keys: ApiKeyStore) -> str:
    """The source system the request's key belongs to; the same 401 for every failure."""
    key = presented_key(request)
    source = await run_in_threadpool(keys.authenticate, key) if key else None  # scrypt: CPU
    if source is None:
        raise unauthorized()
    return source


def require_json(request: Request) -> None:
    """415 unless the request says its body is JSON (``application/json``, any charset
    parameter must be UTF-8)."""
    media, _, params = request.headers.get("content-type", "").partition(";")
    charset = params.strip().lower().removeprefix("charset=").strip('"') if params else "utf-8"
    if media.strip().lower() != "application/json" or charset not in ("utf-8", "utf8"):
        raise Refusal(415, {"error": "Content-Type must be application/json (UTF-8)"})


async def json_object(request: Request, limit: int) -> dict[str, Any]:
    raw = await _bounded_body(request, limit)
    if problem := json_depth_problem(raw):  # refused before parsing: no deep recursion
        raise Refusal(422, {"errors": [{"field": "body", "code": "TOO_DEEP", "message": problem}]})
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError both are
        raise Refusal(400, {"error": "body is not valid JSON"}) from None
    if not isinstance(body, dict):
        raise Refusal(400, {"error": "body must be a JSON object"})
    return body


BODY_TIMEOUT_S = 10.0  # a client that trickles its body is cut off: 408


async def _bounded_body(request: Request, limit: int) -> bytes:
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            return await _read_within(request, limit)
    except TimeoutError:
        raise Refusal(408, {"error": f"body not received within {BODY_TIMEOUT_S:g} s"},
                      {"Connection": "close"}) from None


async def _read_within(request: Request, limit: int) -> bytes:
    too_large = Refusal(413, {"error": f"body is larger than {limit} bytes"})
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
