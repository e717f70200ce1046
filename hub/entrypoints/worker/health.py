"""A tiny health endpoint for container orchestration (``HUB_WORKER_WEB_PORT``).

``GET /`` on 127.0.0.1 answers ``200`` with each stage's count of processed records as JSON.
No personal data: counts only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Protocol


class Counted(Protocol):
    name: str
    processed: int


async def serve_health(port: int, stages: Sequence[Counted]) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readline()
        body = json.dumps({"status": "ok", **{s.name: s.processed for s in stages}}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", port)
    async with server:
        await server.serve_forever()
