"""A tiny health endpoint for container orchestration (``HUB_WORKER_WEB_PORT``).

``GET /`` on 127.0.0.1 answers ``200`` with each stage's count of processed records as JSON;
``GET /metrics`` answers the Prometheus text format (``hub.adapters.prometheus_metrics``:
records processed and consumer lag per stage, dead letters by reason, open and overdue
tasks by type). No personal data: counts only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Protocol

from hub.adapters.prometheus_metrics import CONTENT_TYPE, exposition


class Counted(Protocol):
    name: str
    processed: int


async def serve_health(port: int, stages: Sequence[Counted]) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = await reader.readline()
        path = request_line.split(b" ")[1] if request_line.count(b" ") >= 2 else b"/"
        if path == b"/metrics":
            body, kind = exposition(), CONTENT_TYPE
        else:
            counts = {s.name: s.processed for s in stages}
            body, kind = json.dumps({"status": "ok", **counts}).encode(), "application/json"
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\n".encode()
                     + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", port)
    async with server:
        await server.serve_forever()
