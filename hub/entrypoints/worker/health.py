"""A tiny health endpoint for container orchestration (``HUB_WORKER_WEB_PORT``).

``GET /`` (or ``/healthz``) on 127.0.0.1 answers ``200`` with each stage's count of
processed records as JSON (liveness); ``GET /readyz`` answers ``200`` when the broker and the
hub store answer, else ``503`` naming the check that failed
(``hub.entrypoints.web.readiness``); ``GET /metrics`` answers the Prometheus text format
(``hub.adapters.prometheus_metrics``: records processed and consumer lag per stage, dead
letters by reason, open and overdue tasks by type). No personal data: counts only. A client
that sends no request line within 10 s is disconnected.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Protocol

from hub.adapters.prometheus_metrics import CONTENT_TYPE, exposition
from hub.entrypoints.web.readiness import ReadyCheck, readiness

HEAD_TIMEOUT_S = 10.0


class Counted(Protocol):
    name: str
    processed: int


async def _ready(checks: Mapping[str, ReadyCheck]) -> tuple[str, bytes]:
    results = await readiness(checks)
    ready = all(results.values())
    body = {"status": "ready" if ready else "not ready",
            "checks": {name: "ok" if ok else "down" for name, ok in results.items()}}
    return ("200 OK" if ready else "503 Service Unavailable"), json.dumps(body).encode()


async def serve_health(port: int, stages: Sequence[Counted],
                       checks: Mapping[str, ReadyCheck] | None = None) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), HEAD_TIMEOUT_S)
        except (TimeoutError, ValueError, ConnectionError):
            writer.close()
            return
        path = request_line.split(b" ")[1] if request_line.count(b" ") >= 2 else b"/"
        status, kind = "200 OK", "application/json"
        if path == b"/metrics":
            body, kind = exposition(), CONTENT_TYPE
        elif path == b"/readyz":
            status, body = await _ready(checks or {})
        else:
            counts = {s.name: s.processed for s in stages}
            body = json.dumps({"status": "ok", **counts}).encode()
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n".encode()
                     + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", port)
    async with server:
        await server.serve_forever()
